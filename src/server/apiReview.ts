/**
 * Handlers of the review endpoints: a person's override of a verdict and its history, and eval
 * reports (create, list, get, delete).
 */
import { ok, SMALL_BODY_BYTES, type ApiContext } from './apiContext';
import { notFound, pageOf, parsePaging, readJson, type Reply } from './http';
import { parseOverride } from './overrides';
import { advancePolls } from './store';

export type ReviewRoute = 'overrideResponse' | 'responseHistory' | 'createReport' | 'listReports' | 'getReport' | 'deleteReport';

export async function handleReview(name: ReviewRoute, ctx: ApiContext): Promise<Reply> {
  const { store, reports, overrides, params } = ctx;
  const runOf = () => {
    const run = store.getRun(params.id!);
    if (!run) throw notFound('Eval run', params.id!);
    return run;
  };
  switch (name) {
    case 'overrideResponse': {
      const patch = parseOverride(await readJson(ctx.req, SMALL_BODY_BYTES));
      return ok(overrides.apply(runOf(), params.response!, patch));
    }
    case 'responseHistory':
      return ok(overrides.history(runOf(), params.response!));
    case 'createReport': {
      const body = await readJson(ctx.req, SMALL_BODY_BYTES);
      return ok(reports.json(reports.create(body, ctx.fault, ctx.asyncPolls)));
    }
    case 'listReports': {
      const { items, count } = pageOf(reports.list(), parsePaging(ctx.query));
      return ok({ items: items.map((r) => reports.json(r)), count });
    }
    case 'getReport': {
      const rec = reports.get(params.id!);
      advancePolls(rec);
      return ok(reports.json(rec));
    }
    case 'deleteReport':
      reports.delete(params.id!);
      return { status: 204 };
  }
}

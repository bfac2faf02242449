/**
 * Handlers of the Aymara v2 endpoints the local server implements. Each returns a Reply;
 * authentication and faults are handled before they run (see app.ts).
 */
import { ScoreRequest } from '../core/schemas';
import { ok, type ApiContext } from './apiContext';
import { handleFiles } from './apiFiles';
import { handleReview } from './apiReview';
import { ApiError, invalidBody, notFound, pageBytes, pageOf, parseBool, parsePaging, readJson, type Reply } from './http';
import type { RouteName } from './router';

export type { ApiContext } from './apiContext';

export async function handleApi(name: RouteName, ctx: ApiContext): Promise<Reply> {
  const { store, query, params } = ctx;
  switch (name) {
    case 'health':
      return { status: 200 };

    case 'listEvals':
      return ok(pageOf(store.listEvals(), parsePaging(query)));

    case 'getEval': {
      const e = store.getEval(params.id!);
      if (!e) throw notFound('Eval', params.id!);
      return ok({ ...e.api });
    }

    case 'listPrompts': {
      const paging = parsePaging(query);
      const e = store.getEval(params.id!);
      if (!e) throw notFound('Eval', params.id!);
      return ok({ items: e.prompts(paging.offset, paging.limit), count: e.promptCount });
    }

    case 'scoreResponses':
    case 'createRun': {
      const body = await readJson(ctx.req, ctx.maxBodyBytes);
      const parsed = ScoreRequest.safeParse(body);
      if (!parsed.success) {
        throw invalidBody(parsed.error.issues);
      }
      const sandbox = parseBool(query, 'is_sandbox') ?? /^(true|1|on)$/i.test(String(ctx.req.headers['x-use-sandbox'] ?? ''));
      const { run, scored } = store.submit(parsed.data, {
        mode: name === 'createRun' ? 'async' : 'sync',
        isSandbox: sandbox,
        workspaceUuid: query.get('workspace_uuid') || null,
        asyncPolls: ctx.asyncPolls,
        fault: ctx.fault,
      });
      return ok(store.runJson(run, name === 'scoreResponses' && run.phase === 'finished' ? scored : null));
    }

    case 'listRuns': {
      const paging = parsePaging(query);
      const runs = store.listRuns(query.get('eval_uuid'));
      const { items, count } = pageOf(runs, paging);
      return ok({ items: items.map((r) => store.runJson(r, null)), count });
    }

    case 'getRun': {
      const run = store.getRun(params.id!);
      if (!run) throw notFound('Eval run', params.id!);
      store.poll(run);
      return ok(store.runJson(run, null));
    }

    case 'deleteRun': {
      if (!store.deleteRun(params.id!)) throw notFound('Eval run', params.id!);
      return { status: 204 };
    }

    case 'listResponses': {
      const paging = parsePaging(query);
      const run = store.getRun(params.id!);
      if (!run) throw notFound('Eval run', params.id!);
      const f = ctx.fault;
      if (f?.kind === 'drop') store.markDropped(run, f);
      else if (f?.kind === 'extra') store.addExtra(run, f.promptUuid);
      return f?.kind === 'drift' ? ok(pageOf(store.visibleResponses(run), paging)) : pageBytes(store.visibleResponses(run), paging, run.encoded);
    }

    case 'overrideResponse':
    case 'responseHistory':
    case 'createReport':
    case 'listReports':
    case 'getReport':
    case 'deleteReport':
      return handleReview(name, ctx);

    case 'uploadFile':
    case 'createFiles':
    case 'getFile':
    case 'getFileStatus':
    case 'putFileBytes':
    case 'getFileBytes':
      return handleFiles(name, ctx);

    default: {
      const never: never = name;
      throw new ApiError(500, 'server.internal_error', `No handler for ${String(never)}`);
    }
  }
}

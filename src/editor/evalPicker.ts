import * as vscode from 'vscode';
import type { AymaraClient } from '../core/client';
import { isApiError } from '../core/apiError';
import { inert } from '../core/present/text';
import { lastPicker } from './lastPicker';
import type { Log } from './log';

function record(qp: vscode.QuickPick<vscode.QuickPickItem>): void {
  lastPicker.placeholder = qp.placeholder;
  lastPicker.items = qp.items.map((i) => ({ label: i.label, description: i.description, detail: i.detail }));
}

/**
 * Ask the user which eval to score against: a quick pick of the evals the key can see
 * (name, type, prompt count; every page fetched), with manual entry as a fallback.
 * Returns undefined when the user backs out.
 */
export async function pickEval(client: AymaraClient, log: Log, current?: string): Promise<string | undefined> {
  const t = vscode.l10n.t;
  const manual = t('Enter an eval id…');
  type Item = vscode.QuickPickItem & { evalUuid?: string };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = t('Select the Aymara eval to score against');
  qp.placeholder = t('Type to filter evals by name, type or id');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.busy = true;
  qp.items = [{ label: `$(edit) ${manual}`, alwaysShow: true }];
  qp.show();
  const controller = new AbortController();
  const load = client
    .listEvals({ signal: controller.signal })
    .then((page) => {
      // Names, types and ids come from the server: shown inert and redacted, the id itself kept as sent.
      const shown = (text: string, max: number) => inert(log.redact(text), max);
      const items: Item[] = page.items
        .filter((e) => e.eval_uuid)
        .map((e) => ({
          label: shown(e.name || (e.eval_uuid as string), 120),
          description: [e.eval_type ? shown(e.eval_type, 40) : undefined, e.num_prompts != null ? t('{0} prompts', e.num_prompts) : undefined, e.eval_uuid === current ? t('current') : undefined]
            .filter(Boolean)
            .join(' · '),
          detail: shown(e.eval_uuid as string, 200),
          evalUuid: e.eval_uuid as string,
        }));
      qp.items = [...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(edit) ${manual}`, alwaysShow: true }];
      if (!items.length) qp.placeholder = t('No evals found for this key; enter an eval id');
      record(qp);
    })
    .catch((err: unknown) => {
      if (controller.signal.aborted) return;
      const msg = isApiError(err) ? err.describe() : String(err);
      log.warn(`Could not list evals: ${msg}`);
      qp.placeholder = t('Could not list evals ({0}); enter an eval id', inert(log.redact(msg), 160));
      record(qp);
    })
    .finally(() => (qp.busy = false));

  const picked = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  controller.abort();
  qp.dispose();
  await load;
  if (!picked) return undefined;
  if (picked.evalUuid) return picked.evalUuid;
  const typed = await vscode.window.showInputBox({
    title: t('Aymara eval id'),
    prompt: t('The eval_uuid to score against, e.g. test.c4f98691-…'),
    value: current,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : t('Enter an eval id')),
  });
  return typed?.trim() || undefined;
}

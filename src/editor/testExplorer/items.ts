/**
 * The Test Explorer's items for one scored file: the file → its entries in file order, a
 * thread's turns nested under the thread, each labelled by its prompt's text and placed at its
 * entry. Built from the file's latest results (which the file watcher re-maps on every edit), so
 * items follow edits without rescoring. Entries no longer in the file have no item.
 */
import * as vscode from 'vscode';
import { inert, oneLine, shortId } from '../../core/present/text';
import type { ResultItem, RunResult } from '../../core/results';

/** What a test item stands for: a whole file, or some of its entries (one, or a thread's turns). */
export interface ItemTarget {
  uri: vscode.Uri;
  /** The entries' keys; undefined for the file item (every entry). */
  keys?: readonly string[];
}

export type PromptText = (evalUuid: string, promptUuid: string) => string | undefined;

// Item ids: the file's URI, then `#entry=` or `#thread=` and the URI-encoded key or thread id
// (VS Code reserves the NUL character that result keys use as a separator).

export function fileItemId(uri: vscode.Uri): string {
  return uri.toString();
}

export function entryItemId(uri: vscode.Uri, key: string): string {
  return `${uri.toString()}#entry=${encodeURIComponent(key)}`;
}

/**
 * Replace the file's item children with those of `run` (or remove the file's item without one).
 * Returns the entry items by result key, for publishing verdicts.
 */
export function syncFileItems(
  controller: vscode.TestController,
  targets: Map<string, ItemTarget>,
  uri: vscode.Uri,
  run: RunResult | undefined,
  promptText: PromptText,
): Map<string, vscode.TestItem> {
  const byKey = new Map<string, vscode.TestItem>();
  const id = fileItemId(uri);
  for (const [k, t] of targets) if (t.uri.toString() === id) targets.delete(k);
  const placed = run?.items.filter((i) => i.location) ?? [];
  if (!run || !placed.length) {
    controller.items.delete(id);
    return byKey;
  }
  const file = controller.items.get(id) ?? controller.createTestItem(id, oneLine(uri.path.split('/').pop() || uri.toString(), 200), uri);
  targets.set(id, { uri });
  const children: vscode.TestItem[] = [];
  const threads = new Map<string, vscode.TestItem>();
  for (const i of [...placed].sort((a, b) => (a.location?.offset ?? 0) - (b.location?.offset ?? 0))) {
    const item = controller.createTestItem(entryItemId(uri, i.key), label(i, run, promptText), uri);
    item.range = rangeOf(i);
    targets.set(item.id, { uri, keys: [i.key] });
    byKey.set(i.key, item);
    if (!i.thread_uuid) {
      children.push(item);
      continue;
    }
    let thread = threads.get(i.thread_uuid);
    if (!thread) {
      thread = controller.createTestItem(`${id}#thread=${encodeURIComponent(i.thread_uuid)}`, vscode.l10n.t('Thread {0}', shortId(i.thread_uuid, 24)), uri);
      thread.range = item.range;
      threads.set(i.thread_uuid, thread);
      children.push(thread);
    }
    thread.children.add(item);
    const turns = targets.get(thread.id)?.keys ?? [];
    targets.set(thread.id, { uri, keys: [...turns, i.key] });
  }
  file.children.replace(children);
  controller.items.add(file);
  return byKey;
}

function label(i: ResultItem, run: RunResult, promptText: PromptText): string {
  const text = inert(promptText(run.eval_uuid, i.prompt_uuid) ?? i.prompt_uuid, 120);
  return i.thread_uuid || i.turn_number > 1 ? vscode.l10n.t('Turn {0}: {1}', i.turn_number, text) : text;
}

/** The entry's first position (its location is 1-based). */
function rangeOf(i: ResultItem): vscode.Range | undefined {
  if (!i.location) return undefined;
  const p = new vscode.Position(i.location.line - 1, i.location.column - 1);
  return new vscode.Range(p, p);
}

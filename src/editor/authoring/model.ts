/**
 * What the authoring features need to know about a responses document, read from its text with
 * the core file model: the form, the eval it names, the prompts it answers.
 */
import type * as vscode from 'vscode';
import type { ResultItem } from '../../core/results';
import type { Log } from '../log';

export interface CachedPrompt {
  prompt_uuid: string;
  content: string;
  category: string | null;
  thread_uuid: string | null;
  turn_number: number;
}

/** The narrow view of the extension's state that the authoring features use. */
export interface AuthoringDeps {
  log: Log;
  /** The eval's prompts once cached, in the eval's order; undefined until fetched. */
  prompts(evalUuid: string): readonly CachedPrompt[] | undefined;
  /** Fetch an eval's prompts in the background (no-op when cached or when no key is set). */
  fetchPrompts(evalUuid: string): void;
  /** The eval a file is scored against: the file's own eval_uuid, else the one chosen for it. */
  evalFor(uri: vscode.Uri, fileEval: string | null): string | undefined;
  /** The latest verdict for a prompt of this file, if it was scored. */
  latestItem(uri: vscode.Uri, promptUuid: string): ResultItem | undefined;
}

export function isJsonLines(doc: vscode.TextDocument): boolean {
  return /\.(jsonl|ndjson)$/i.test(doc.uri.path);
}

/**
 * Authoring help for responses files: prompt completion and hovers, quick fixes for the file
 * model's problems, and Add Entries for Unanswered Prompts. (The JSON schema is contributed in
 * package.json's jsonValidation.)
 */
import * as vscode from 'vscode';
import { notify } from '../errors';
import { addUnansweredEntries } from './addEntries';
import { ProblemFixes } from './codeActions';
import { PromptCompletion } from './completion';
import { PromptHover } from './hover';
import type { AuthoringDeps } from './model';

export type { AuthoringDeps, CachedPrompt } from './model';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{json,jsonl,ndjson}' },
  { scheme: 'untitled', language: 'json' },
];

export function register(deps: AuthoringDeps & { waitForPrompts(evalUuid: string): Promise<void>; commandId: string; resolveUri(arg: unknown): vscode.Uri | undefined }): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(SELECTOR, new PromptCompletion(deps), '"'),
    vscode.languages.registerHoverProvider(SELECTOR, new PromptHover(deps)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ProblemFixes(), { providedCodeActionKinds: ProblemFixes.kinds }),
    vscode.commands.registerCommand(deps.commandId, async (arg?: unknown) => {
      const uri = deps.resolveUri(arg);
      if (!uri) {
        void notify(deps.log, 'warning', vscode.l10n.t('Open a responses file (or right-click one in the Explorer) to add entries to it.'));
        return 0;
      }
      return addUnansweredEntries(deps, uri, deps.waitForPrompts);
    }),
  );
}

/**
 * Authoring help for responses files: prompt completion and hovers, quick fixes for the file
 * model's problems, and Add Entries for Unanswered Prompts. (The JSON schema is contributed in
 * package.json's jsonValidation.)
 */
import * as vscode from 'vscode';
import { registerCommand, requireFile } from '../commandArgs';
import { Command } from '../commandIds';
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

export function register(deps: AuthoringDeps & { waitForPrompts(evalUuid: string): Promise<void> }): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(SELECTOR, new PromptCompletion(deps), '"'),
    vscode.languages.registerHoverProvider(SELECTOR, new PromptHover(deps)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ProblemFixes(), { providedCodeActionKinds: ProblemFixes.kinds }),
    registerCommand(Command.addUnansweredEntries, (t) => {
      const uri = requireFile(t, 'addEntries', deps.log);
      return uri ? addUnansweredEntries(deps, uri, deps.waitForPrompts) : 0;
    }),
  );
}

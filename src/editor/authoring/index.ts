/**
 * Authoring help for responses files: prompt completion and hovers, quick fixes for the file
 * model's problems, and Add Entries for Unanswered Prompts. (The JSON schema is contributed in
 * package.json's jsonValidation.)
 *
 * Only thin providers are registered at activation: the real ones read the file with the
 * responses-file model (and zod), which is loaded the first time one of them is asked.
 */
import * as vscode from 'vscode';
import { registerCommand, requireFile } from '../commandArgs';
import { Command } from '../commandIds';
import type { AuthoringDeps } from './model';

export type { AuthoringDeps, CachedPrompt } from './model';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{json,jsonl,ndjson}' },
  { scheme: 'untitled', language: 'json' },
];

type Deps = AuthoringDeps & { waitForPrompts(evalUuid: string): Promise<void> };

async function load(deps: Deps) {
  const [completion, hover, fixes, add] = await Promise.all([import('./completion'), import('./hover'), import('./codeActions'), import('./addEntries')]);
  return {
    completion: new completion.PromptCompletion(deps),
    hover: new hover.PromptHover(deps),
    fixes: new fixes.ProblemFixes(),
    addUnansweredEntries: add.addUnansweredEntries,
  };
}

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps): vscode.Disposable {
  let loaded: ReturnType<typeof load> | undefined;
  const providers = () => (loaded ??= load(deps));
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(SELECTOR, { provideCompletionItems: async (doc, pos) => (await providers()).completion.provideCompletionItems(doc, pos) }, '"'),
    vscode.languages.registerHoverProvider(SELECTOR, { provideHover: async (doc, pos) => (await providers()).hover.provideHover(doc, pos) }),
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      { provideCodeActions: async (doc, range, context) => (await providers()).fixes.provideCodeActions(doc, range, context) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    registerCommand(Command.addUnansweredEntries, async (t) => {
      const uri = requireFile(t, 'addEntries', deps.log);
      return uri ? (await providers()).addUnansweredEntries(deps, uri, deps.waitForPrompts) : 0;
    }),
  );
}

import * as vscode from 'vscode';
import { Command, TestCommand } from '../commandIds';
import type { ExplanationsPanels } from '../explanations';
import { LazyFeature } from '../lazyFeature';
import { OverrideCodeActions } from './codeActions';
import type { Deps, OverrideCommands } from './commands';
import type { FormAnswers } from './form';

export type { OverrideOutcome } from './commands';

/**
 * Human review of verdicts (see commands.ts): the commands and the quick fixes are registered at
 * activation; the commands' module (the form, the API calls) is loaded on the first call.
 */
export function register(s: Deps, panels: ExplanationsPanels): vscode.Disposable {
  const feature = new LazyFeature<OverrideCommands>(async () => (await import('./commands')).overrideCommands(s, panels));
  const on = (id: string, call: (f: OverrideCommands, ...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, feature.handler(call));
  const codeActions = new OverrideCodeActions(s.store);
  return vscode.Disposable.from(
    feature,
    on(Command.overrideVerdict, (f, ...a) => f.override(...a)),
    on(Command.showVerdictHistory, (f, ...a) => f.history(...a)),
    vscode.languages.registerCodeActionsProvider({ pattern: '**/*.{json,jsonl}' }, codeActions, { providedCodeActionKinds: OverrideCodeActions.kinds }),
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [
          on(TestCommand.overrideAnswers, (f, a) => f.test.answers(a as FormAnswers | undefined)),
          on(TestCommand.overrideAsked, (f) => f.test.asked()),
        ]
      : []),
  );
}

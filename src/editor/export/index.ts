import * as vscode from 'vscode';
import { registerCommand } from '../commandArgs';
import { Command, TestCommand } from '../commandIds';
import { LazyFeature } from '../lazyFeature';
import type { Answers, Deps, ExportCommands } from './commands';

/**
 * Export Results… (see commands.ts): the command is registered at activation; its module and the
 * report writers are loaded on the first export.
 */
export function register(s: Deps): vscode.Disposable {
  const feature = new LazyFeature<ExportCommands>(async () => (await import('./commands')).exportCommands(s));
  const on = (id: string, call: (f: ExportCommands, ...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, feature.handler(call));
  return vscode.Disposable.from(
    feature,
    registerCommand(Command.exportResults, feature.handler((f, t) => f.exportResults(t))),
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [
          on(TestCommand.exportAnswers, (f, a) => f.test.answers(a as Answers | undefined)),
          on(TestCommand.exportAsked, (f) => f.test.asked()),
        ]
      : []),
  );
}

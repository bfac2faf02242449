import * as vscode from 'vscode';
import { Command, TestCommand } from '../commandIds';
import { LazyFeature } from '../lazyFeature';
import type { Answers } from './runs';
import type { Deps, ReportCommands } from './commands';

export type { ReportOutcome } from './commands';

/**
 * Eval reports (see commands.ts): the commands are registered at activation; their module, the
 * report view and its model are loaded on the first call.
 */
export function register(s: Deps): vscode.Disposable {
  const feature = new LazyFeature<ReportCommands>(async () => (await import('./commands')).reportCommands(s));
  const on = (id: string, call: (f: ReportCommands, ...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, feature.handler(call));
  return vscode.Disposable.from(
    feature,
    on(Command.generateReport, (f, ...a) => f.generate(...a)),
    on(Command.generateReportForRuns, (f, ...a) => f.generateForRuns(...a)),
    on(Command.exportReportMarkdown, (f, ...a) => f.exportMarkdown(...a)),
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [
          on(TestCommand.reportAnswers, (f, a) => f.test.answers(a as Answers | undefined)),
          on(TestCommand.reportAsked, (f) => f.test.asked()),
          on(TestCommand.reportPanels, (f) => f.test.panels()),
          on(TestCommand.reportMessage, (f, reportUuid, msg) => f.test.message(reportUuid as string, msg)),
          on(TestCommand.cancelReport, (f) => f.test.cancel()),
        ]
      : []),
  );
}

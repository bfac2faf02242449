/** Shared steps of the report suite: running the commands with prepared answers, and reading what they showed. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReportHostMessage, ReportViewModel } from '../../../src/core/report/reportModel';
import { Command, TestCommand } from '../../../src/editor/commandIds';
import type { ReportOutcome } from '../../../src/editor/report';
import type { ReportPanelsSnapshot } from '../../../src/editor/report/panel';
import type { Answers, Asked } from '../../../src/editor/report/runs';
import { testSnapshot, waitFor } from '../util';

export const CREATE = 'POST /v2/eval-reports';
export const GET_REPORT = 'GET /v2/eval-reports/{id}';

export const exec = <T = unknown>(c: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(c, ...args);

export async function generate(...args: unknown[]): Promise<ReportOutcome | undefined> {
  return exec<ReportOutcome | undefined>(Command.generateReport, ...args);
}

export async function generateForRuns(answers: Answers, ...args: unknown[]): Promise<ReportOutcome | undefined> {
  await exec(TestCommand.reportAnswers, answers);
  return exec<ReportOutcome | undefined>(Command.generateReportForRuns, ...args);
}

export const asked = () => exec<Asked>(TestCommand.reportAsked);
export const panels = async () => (await exec<ReportPanelsSnapshot>(TestCommand.reportPanels)).panels;

/** The model the report view of this report rendered, once its page asked for it. */
export async function shownModel(reportUuid: string): Promise<ReportViewModel> {
  const posted = await waitFor(async () => (await panels()).find((p) => p.reportUuid === reportUuid && p.ready && p.posted)?.posted, `the report view of ${reportUuid} to load and be sent its report`, 30_000);
  const msg = JSON.parse(posted) as ReportHostMessage;
  assert.equal(msg.type, 'report');
  return msg.model;
}

export async function clearMessages(): Promise<void> {
  await exec(TestCommand.clearMessages);
}

/** The messages shown since the last clear, each as "severity: text [actions]". */
export async function messages(): Promise<{ severity: string; message: string; actions: string[] }[]> {
  return (await testSnapshot()).messages;
}

export async function lastMessage(): Promise<{ severity: string; message: string; actions: string[] }> {
  const m = await waitFor(async () => (await messages()).at(-1), 'a message');
  return m;
}

export async function closeAllEditors(): Promise<void> {
  await exec('workbench.action.closeAllEditors');
}

/**
 * A run's verdicts as a Test Explorer run: passed and refused pass; failed fails with the
 * explanation at the entry; errored errors; excluded is skipped. So the Test Results view keeps
 * the history, the gutter shows each entry's state, the peek shows the explanation, `@failed`
 * filters, and Rerun Failed Tests has something to rerun.
 */
import * as vscode from 'vscode';
import { formatPercent } from '../../core/results';
import { verdictLabel } from '../../core/present/labels';
import { inert } from '../../core/present/text';
import type { ResultItem, RunResult } from '../../core/results';

export interface PublishedState {
  id: string;
  state: 'passed' | 'failed' | 'errored' | 'skipped';
  message?: string;
  line?: number;
}

/** Report every result with an item into `run` (which the caller ends). Returns what was reported. */
export function publishResults(run: vscode.TestRun, uri: vscode.Uri, result: RunResult, items: ReadonlyMap<string, vscode.TestItem>): PublishedState[] {
  const out: PublishedState[] = [];
  for (const i of result.items) {
    const item = items.get(i.key);
    if (!item) continue;
    switch (i.verdict) {
      case 'passed':
      case 'refused':
        run.passed(item);
        out.push({ id: item.id, state: 'passed' });
        break;
      case 'excluded':
        run.skipped(item);
        out.push({ id: item.id, state: 'skipped' });
        break;
      case 'failed':
      case 'errored': {
        const message = messageFor(i, uri);
        if (i.verdict === 'failed') run.failed(item, message);
        else run.errored(item, message);
        out.push({ id: item.id, state: i.verdict, message: String(message.message), line: message.location?.range.start.line });
        break;
      }
    }
  }
  run.appendOutput(inert(`${result.run_name ?? result.eval_run_uuid}: pass rate ${formatPercent(result.pass_rate)}${result.merged ? ' (merged view)' : ''}`, 300) + '\r\n');
  return out;
}

function messageFor(i: ResultItem, uri: vscode.Uri): vscode.TestMessage {
  // Plain text, never markdown: the explanation comes from the server.
  const text = `${verdictLabel(i.verdict, vscode.l10n.t)}: ${inert(i.explanation ?? vscode.l10n.t('No explanation.'), 4000)}`;
  const message = new vscode.TestMessage(text);
  if (i.location) {
    const p = new vscode.Position(i.location.line - 1, i.location.column - 1);
    message.location = new vscode.Location(uri, new vscode.Range(p, p));
  }
  return message;
}

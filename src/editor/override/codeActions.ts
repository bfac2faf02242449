/**
 * Quick fixes on the extension's own result diagnostics: Override Verdict… and Show Verdict
 * History for the response under the diagnostic. The response is found in the file's latest
 * results by where its entry starts (the diagnostic is set on the entry's range).
 */
import * as vscode from 'vscode';
import { VERDICTS, type ResultItem } from '../../core/results';
import { Command } from '../commandIds';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import type { RunStore } from '../runStore';

export class OverrideCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly store: RunStore) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const run = this.store.get(doc.uri)?.latest;
    if (!run) return [];
    const t = vscode.l10n.t;
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || !(VERDICTS as readonly unknown[]).includes(d.code)) continue;
      const item = run.items.find((i) => startsAt(i, doc, d.range.start));
      if (!item) continue;
      const args = [doc.uri.toString(), item.key];
      const fix = new vscode.CodeAction(t('Override Verdict…'), vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [d];
      fix.command = { command: Command.overrideVerdict, title: t('Override Verdict…'), arguments: args };
      const history = new vscode.CodeAction(t('Show Verdict History'), vscode.CodeActionKind.QuickFix);
      history.diagnostics = [d];
      history.command = { command: Command.showVerdictHistory, title: t('Show Verdict History'), arguments: args };
      out.push(fix, history);
    }
    return out;
  }
}

function startsAt(i: ResultItem, doc: vscode.TextDocument, p: vscode.Position): boolean {
  const loc = i.location;
  if (!loc) return false;
  return (loc.line === p.line + 1 && loc.column === p.character + 1) || loc.offset === doc.offsetAt(p);
}

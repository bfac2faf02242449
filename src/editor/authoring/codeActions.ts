/**
 * Quick fixes for the file model's problems shown in Problems (diagnostic source "Aymara", code
 * the problem code), where the fix is certain; the fixes themselves are the core's.
 */
import * as vscode from 'vscode';
import { quickFixes } from '../../core/authoring/quickFixes';
import { parseResponsesFile, PROBLEM_CODES } from '../../core/responsesFile';
import { isJsonLines } from './model';

const CODES = new Set<string>(PROBLEM_CODES);

export class ProblemFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === 'Aymara' && CODES.has(codeOf(d)));
    if (!ours.length) return [];
    const text = doc.getText();
    const file = parseResponsesFile(text, { fileName: doc.uri.path });
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const offset = doc.offsetAt(d.range.start);
      const problem = file.problems.find((p) => p.code === codeOf(d) && p.offset === offset);
      if (!problem) continue;
      for (const fix of quickFixes(problem, text, isJsonLines(doc))) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text);
        actions.push(action);
      }
    }
    return actions;
  }
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}

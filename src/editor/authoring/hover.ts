/**
 * Hover on a `prompt_uuid` value: the prompt's text and category, and the latest verdict with its
 * explanation. Every piece of server or file text is added as plain text (escaped), in an
 * untrusted MarkdownString with no HTML and no icons.
 */
import * as vscode from 'vscode';
import { promptValueAt } from '../../core/authoring/promptAt';
import { verdictLabel } from '../../core/present/labels';
import { formatPercent } from '../../core/results';
import { parseResponsesFile } from '../../core/responsesFile';
import { isJsonLines, type AuthoringDeps } from './model';

export class PromptHover implements vscode.HoverProvider {
  constructor(private readonly deps: AuthoringDeps) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const text = doc.getText();
    const at = promptValueAt(text, doc.offsetAt(position), isJsonLines(doc));
    if (!at || !at.value) return undefined;
    const file = parseResponsesFile(text, { fileName: doc.uri.path });
    const evalUuid = this.deps.evalFor(doc.uri, file.evalUuid);
    const prompt = evalUuid ? this.deps.prompts(evalUuid)?.find((p) => p.prompt_uuid === at.value) : undefined;
    if (evalUuid && !this.deps.prompts(evalUuid)) this.deps.fetchPrompts(evalUuid);
    const item = this.deps.latestItem(doc.uri, at.value);
    if (!prompt && !item) return undefined;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    if (prompt) {
      md.appendMarkdown(`**${vscode.l10n.t('Prompt')}**`);
      if (prompt.category) md.appendMarkdown(' · ').appendText(prompt.category);
      md.appendMarkdown('\n\n').appendText(prompt.content);
    }
    if (item) {
      const verdict = verdictLabel(item.verdict, vscode.l10n.t);
      const confidence = item.confidence === null ? '' : ` (${formatPercent(item.confidence)})`;
      md.appendMarkdown(`\n\n---\n\n**${vscode.l10n.t('Latest verdict')}:** `).appendText(`${verdict}${confidence}`);
      if (item.explanation) md.appendMarkdown('\n\n').appendText(item.explanation);
    }
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(at.offset), doc.positionAt(at.offset + at.length)));
  }
}

/**
 * Completion of `prompt_uuid` values from the eval's prompts: the label is the prompt's text,
 * prompts the file does not answer yet come first, and the inserted value is the prompt's id.
 */
import * as vscode from 'vscode';
import { promptUuidsIn, promptValueAt, rankPrompts } from '../../core/authoring/promptAt';
import { inert } from '../../core/present/text';
import { parseResponsesFile } from '../../core/responsesFile';
import { isJsonLines, type AuthoringDeps } from './model';

export class PromptCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly deps: AuthoringDeps) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const text = doc.getText();
    const at = promptValueAt(text, doc.offsetAt(position), isJsonLines(doc));
    if (!at) return undefined;
    const file = parseResponsesFile(text, { fileName: doc.uri.path });
    const evalUuid = this.deps.evalFor(doc.uri, file.evalUuid);
    if (!evalUuid) return undefined;
    const prompts = this.deps.prompts(evalUuid);
    if (!prompts) {
      this.deps.fetchPrompts(evalUuid);
      return new vscode.CompletionList([], true);
    }
    const answered = promptUuidsIn(text, isJsonLines(doc));
    const range = new vscode.Range(doc.positionAt(at.offset), doc.positionAt(at.offset + at.length));
    const items = rankPrompts(prompts, answered).map((p) => {
      const item = new vscode.CompletionItem({ label: inert(p.content, 120), description: p.answered ? vscode.l10n.t('answered') : undefined }, vscode.CompletionItemKind.Value);
      item.insertText = JSON.stringify(p.prompt_uuid);
      item.filterText = `${JSON.stringify(p.prompt_uuid)} ${p.content}`;
      item.sortText = p.sortText;
      item.range = range;
      item.detail = p.category ? `${inert(p.category, 60)} · ${p.prompt_uuid}` : p.prompt_uuid;
      return item;
    });
    return new vscode.CompletionList(items, false);
  }
}

import * as vscode from 'vscode';
import { WorkbenchCommand } from './commandIds';
import { UserError } from './errors';

export interface FileText {
  text: string;
  /** The open document, when the file is open in an editor (its unsaved text is what gets scored). */
  document?: vscode.TextDocument;
}

/**
 * The text of a responses file: from its open editor when there is one, else from disk after a
 * size check, so a file over the limit is never read in full. Bytes must be UTF-8; a BOM is dropped
 * (as VS Code does), so offsets match the editor's.
 */
export async function readFileText(uri: vscode.Uri, maxBytes: number): Promise<FileText> {
  const t = vscode.l10n.t;
  const limitMb = Math.round(maxBytes / (1024 * 1024));
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const text = open.getText();
    if (text.length > maxBytes) throw tooLarge(uri, limitMb);
    return { text, document: open };
  }
  let size: number;
  try {
    size = (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    throw new UserError(t('{0} could not be read: it may have been moved or deleted.', label(uri)));
  }
  if (size > maxBytes) throw tooLarge(uri, limitMb);
  const bytes = await vscode.workspace.fs.readFile(uri);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(t('{0} is not UTF-8 text. Save it as UTF-8 JSON and score again; nothing was sent.', label(uri)));
  }
  // VS Code normalises mixed or lone-CR line ends when it opens a file; score the text as the
  // editor holds it so every offset matches what the user sees. (Binary files it will not open.)
  if (mixedLineEnds(text)) {
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      return { text: document.getText(), document };
    } catch {
      return { text };
    }
  }
  return { text };
}

/** True when the text has a lone CR, or both CRLF and bare LF line ends. */
export function mixedLineEnds(text: string): boolean {
  const cr = text.indexOf('\r');
  if (cr < 0) return false;
  if (/\r(?!\n)/.test(text)) return true;
  return /(^|[^\r])\n/.test(text);
}

function tooLarge(uri: vscode.Uri, limitMb: number): UserError {
  return new UserError(
    vscode.l10n.t('{0} is larger than the {1} MB limit, so it was not read and nothing was sent. Split the file, or raise "aymara.maxFileSizeMB".', label(uri), limitMb),
    [{ title: vscode.l10n.t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.maxFileSizeMB'] }],
  );
}

export function label(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

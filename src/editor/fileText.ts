import * as vscode from 'vscode';
import { FileReadError, decodeUtf8, readRegularFile } from '../core/fileBytes';
import { inert } from '../core/present/text';
import { WorkbenchCommand } from './commandIds';
import { UserError } from './errors';

export interface FileText {
  text: string;
  /** The open document, when the file is open in an editor (its unsaved text is what gets scored). */
  document?: vscode.TextDocument;
}

/**
 * The text of a responses file: from its open editor when there is one, else from disk. Only a
 * regular file is read, and never more than the size limit: a file: URI through the same core
 * function as the command line (opened non-blocking, checked on the open file, read with a cap), any
 * other scheme from its stat (type and size) before reading. A pipe, a device, a folder or a file
 * over the limit ends in a clear message; nothing is sent. Bytes must be UTF-8; a BOM is dropped
 * (as VS Code does), so offsets match the editor's.
 */
export async function readFileText(uri: vscode.Uri, maxBytes: number): Promise<FileText> {
  const t = vscode.l10n.t;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const text = open.getText();
    if (text.length > maxBytes) throw tooLarge(uri, maxBytes);
    return { text, document: open };
  }
  const bytes = uri.scheme === 'file' ? await readDiskFile(uri, maxBytes) : await readOtherFile(uri, maxBytes);
  let text: string;
  try {
    text = decodeUtf8(bytes);
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

async function readDiskFile(uri: vscode.Uri, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readRegularFile(uri.fsPath, maxBytes);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    switch (err.problem) {
      case 'directory':
        throw isFolder(uri);
      case 'not-regular':
        throw notRegular(uri, err.detail.kind);
      case 'too-large':
        throw tooLarge(uri, maxBytes);
      case 'missing':
        throw missing(uri);
      default:
        throw new UserError(vscode.l10n.t('{0} could not be read ({1}); nothing was sent. Check that you can open it.', label(uri), err.detail.code ?? err.message));
    }
  }
}

/** A file from another file system provider: its stat says what it is and how large, before it is read. */
async function readOtherFile(uri: vscode.Uri, maxBytes: number): Promise<Uint8Array> {
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    throw missing(uri);
  }
  if (stat.type & vscode.FileType.Directory) throw isFolder(uri);
  if (!(stat.type & vscode.FileType.File)) throw notRegular(uri);
  if (stat.size > maxBytes) throw tooLarge(uri, maxBytes);
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes.length > maxBytes) throw tooLarge(uri, maxBytes);
  return bytes;
}

/** True when the text has a lone CR, or both CRLF and bare LF line ends. */
export function mixedLineEnds(text: string): boolean {
  const cr = text.indexOf('\r');
  if (cr < 0) return false;
  if (/\r(?!\n)/.test(text)) return true;
  return /(^|[^\r])\n/.test(text);
}

function tooLarge(uri: vscode.Uri, maxBytes: number): UserError {
  return new UserError(
    vscode.l10n.t('{0} is larger than the {1} MB limit, so it was not read and nothing was sent. Split the file, or raise "aymara.maxFileSizeMB".', label(uri), Math.round(maxBytes / (1024 * 1024))),
    [{ title: vscode.l10n.t('Open Settings'), command: WorkbenchCommand.openSettings, args: ['aymara.maxFileSizeMB'] }],
  );
}

function missing(uri: vscode.Uri): UserError {
  return new UserError(vscode.l10n.t('{0} could not be read: it may have been moved or deleted.', label(uri)));
}

function isFolder(uri: vscode.Uri): UserError {
  return new UserError(vscode.l10n.t('{0} is a folder, not a responses file, so nothing was sent. Choose a .json or .jsonl file.', label(uri)));
}

/** `kind` is what the core found (e.g. "a named pipe (FIFO)"); other file systems only say "not a file". */
function notRegular(uri: vscode.Uri, kind?: string): UserError {
  const t = vscode.l10n.t;
  return new UserError(
    kind
      ? t('{0} is not a regular file but {1}, so it was not read and nothing was sent. Save the responses to a file and score that.', label(uri), kind)
      : t('{0} is not a regular file, so it was not read and nothing was sent. Save the responses to a file and score that.', label(uri)),
  );
}

/** A file's name for messages, titles and the log: relative to the workspace, on one line, inert. */
export function label(uri: vscode.Uri): string {
  return inert(vscode.workspace.asRelativePath(uri, false), 160);
}

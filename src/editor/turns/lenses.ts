/**
 * Where Continue Conversation and Score Next Turn are offered in the editor: a code lens on each
 * scored response with a next prompt waiting, the next prompt's text above each turn written but
 * not scored yet (with Score Next Turn), and a code action on the response at the cursor.
 */
import * as vscode from 'vscode';
import { inert } from '../../core/present/text';
import { parseResponsesFile, type ResponsesFile } from '../../core/responsesFile';
import type { RunResult } from '../../core/results';
import { continueOffers, waitingTurns } from '../../core/turns/continueTurn';
import { Command } from '../commandIds';
import type { TurnsDeps } from './deps';

/** The file's latest run when it has next prompts, with the document parsed (one parse per document version). */
const parsed = new WeakMap<vscode.TextDocument, { version: number; file: ResponsesFile }>();
function model(s: Pick<TurnsDeps, 'store'>, doc: vscode.TextDocument): { run: RunResult; file: ResponsesFile } | undefined {
  const run = s.store.get(doc.uri)?.latest;
  if (!run?.items.some((i) => i.next_prompt)) return undefined;
  let hit = parsed.get(doc);
  if (hit?.version !== doc.version) parsed.set(doc, (hit = { version: doc.version, file: parseResponsesFile(doc.getText(), { fileName: doc.uri.path }) }));
  return { run, file: hit.file };
}

export function codeLenses(s: Pick<TurnsDeps, 'store'>, doc: vscode.TextDocument): vscode.CodeLens[] {
  const m = model(s, doc);
  if (!m) return [];
  const t = vscode.l10n.t;
  const uri = doc.uri.toString();
  const lenses: vscode.CodeLens[] = [];
  const at = (offset: number) => new vscode.Range(doc.positionAt(offset), doc.positionAt(offset));
  for (const o of continueOffers(m.run, new Set(m.file.entries.map((e) => e.key)))) {
    lenses.push(new vscode.CodeLens(at(o.item.location!.offset), { title: `$(comment-discussion) ${t('Continue Conversation (turn {0})', o.next.turn_number)}`, command: Command.continueConversation, arguments: [uri, o.item.key] }));
  }
  const waiting = waitingTurns(m.run);
  for (const e of m.file.entries) {
    const next = waiting.get(e.key);
    if (!next) continue;
    // The prompt is the server's text: inert, so it can neither render an icon nor a link.
    lenses.push(new vscode.CodeLens(at(e.location.offset), { title: `$(send) ${t('Score Next Turn')}`, command: Command.scoreNextTurn, arguments: [uri] }));
    lenses.push(new vscode.CodeLens(at(e.location.offset), { title: `${t('Turn {0} prompt:', next.turn_number)} ${inert(next.content || next.prompt_uuid, 120)}`, command: '' }));
  }
  return lenses;
}

export function codeActions(s: Pick<TurnsDeps, 'store'>, doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
  const m = model(s, doc);
  if (!m) return [];
  const at = doc.offsetAt(range.start);
  const entry = m.file.entries.find((e) => at >= e.location.offset && at <= e.location.offset + e.location.length);
  const offer = entry && continueOffers(m.run, new Set(m.file.entries.map((e) => e.key))).find((o) => o.item.key === entry.key);
  if (!offer) return [];
  const title = vscode.l10n.t('Continue Conversation (turn {0})', offer.next.turn_number);
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.Empty);
  action.command = { title, command: Command.continueConversation, arguments: [doc.uri.toString(), offer.item.key] };
  return [action];
}

/**
 * Multi-turn conversations: Continue Conversation (writes the next turn a response offers into
 * the file) and Score Next Turn (sends the answered turns into the same run), with their code
 * lenses and code action. Only thin providers are registered at activation; the real work (the
 * responses-file model, zod, the client) is loaded the first time it is needed.
 */
import * as vscode from 'vscode';
import { fileOf, registerCommand, type Target } from '../commandArgs';
import { Command } from '../commandIds';
import { reportError, UserError } from '../errors';
import type { TurnsDeps } from './deps';

export type { TurnsDeps } from './deps';

const SELECTOR: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }, { language: 'jsonl' }, { pattern: '**/*.jsonl' }];

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(services: Omit<TurnsDeps, 'scoring'>, scoring: TurnsDeps['scoring']): vscode.Disposable {
  const s: TurnsDeps = {
    apiOrigin: () => services.apiOrigin(),
    client: () => services.client(),
    isLoopback: (url) => services.isLoopback(url),
    config: services.config,
    context: services.context,
    log: services.log,
    store: services.store,
    scoring,
  };
  const lenses = new vscode.EventEmitter<void>();
  const hasNextPrompts = (doc: vscode.TextDocument) => s.store.get(doc.uri)?.latest?.items.some((i) => i.next_prompt) === true;
  const run = async <R>(work: () => Promise<R>): Promise<R | undefined> => {
    try {
      return await work();
    } catch (err) {
      void reportError(err, s.log);
      return undefined;
    }
  };
  return vscode.Disposable.from(
    lenses,
    s.store.onDidChange(() => lenses.fire()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && hasNextPrompts(e.document)) lenses.fire();
    }),
    vscode.languages.registerCodeLensProvider(SELECTOR, {
      onDidChangeCodeLenses: lenses.event,
      provideCodeLenses: async (doc) => (hasNextPrompts(doc) ? (await import('./lenses')).codeLenses(s, doc) : []),
    }),
    vscode.languages.registerCodeActionsProvider(SELECTOR, {
      provideCodeActions: async (doc, range) => (hasNextPrompts(doc) ? (await import('./lenses')).codeActions(s, doc, range) : []),
    }),
    registerCommand(Command.continueConversation, (t: Target) => run(async () => (await import('./continueConversation')).continueConversation(s, t))),
    registerCommand(Command.scoreNextTurn, (t: Target) =>
      run(async () => {
        if (t.kind === 'unknown') {
          s.log.warn(`Score Next Turn received arguments it does not understand: ${t.what}`);
          throw new UserError(vscode.l10n.t('Aymara could not tell which file this command is for; nothing was sent. Open the file and run "Aymara: Score Next Turn" from the Command Palette.'), [], 'warning');
        }
        const uri = fileOf(t);
        if (!uri) throw new UserError(vscode.l10n.t('Open a scored responses file of a multi-turn eval to score its next turns.'), [], 'info');
        return (await import('./scoreNextTurn')).scoreNextTurn(s, uri);
      }),
    ),
    new vscode.Disposable(() => void import('./scoreNextTurn').then((m) => m.stopAll())),
  );
}

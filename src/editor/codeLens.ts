import * as vscode from 'vscode';
import { headline } from '../core/results';
import { Command } from './commandIds';
import type { Services } from './services';

/** What this feature uses of the shared services. */
type Deps = Pick<Services, 'store'>;

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps): ResultLenses {
  return new ResultLenses(deps);
}

/** A lens above each scored entry: its verdict, and a click opens its explanation. */
export class ResultLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: Deps) {
    this.disposables = [
      this.emitter,
      s.store.onDidChange(() => this.emitter.fire()),
      vscode.languages.registerCodeLensProvider([{ language: 'json' }, { language: 'jsonc' }, { language: 'jsonl' }, { pattern: '**/*.jsonl' }], this),
    ];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const rec = this.s.store.get(doc.uri);
    const r = rec?.latest;
    if (!r) return [];
    const lenses: vscode.CodeLens[] = [];
    const size = doc.getText().length;
    for (const i of r.items) {
      if (!i.location || i.location.offset > size) continue;
      const pos = doc.positionAt(i.location.offset);
      const icon = i.verdict === 'failed' ? '$(error)' : i.verdict === 'errored' ? '$(warning)' : i.verdict === 'passed' ? '$(pass)' : '$(circle-slash)';
      lenses.push(
        new vscode.CodeLens(new vscode.Range(pos, pos), {
          title: `${icon} ${headline({ ...i, explanation: null })}${rec.stale ? ' (stale)' : ''} · ${vscode.l10n.t('Show explanation')}`,
          command: Command.showExplanations,
          arguments: [doc.uri.toString(), i.key],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

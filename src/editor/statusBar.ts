import * as vscode from 'vscode';
import { countsLine } from '../core/present/labels';
import { inert, shortId } from '../core/present/text';
import { formatPercent } from '../core/results';
import { WorkbenchCommand } from './commandIds';
import type { Services } from './services';

/** What this feature uses of the shared services. */
type Deps = Pick<Services, 'store'>;

/** The feature's entry point: built with what it uses; disposing it removes all it registered. */
export function register(deps: Deps): StatusBar {
  return new StatusBar(deps);
}

/** Pass rate and counts of the active file's latest run; a click focuses the results tree. */
export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('aymara.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: Deps) {
    this.item.name = 'Aymara';
    this.item.command = WorkbenchCommand.focusResults;
    this.disposables = [this.item, s.store.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update())];
    this.update();
  }

  update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const rec = uri ? this.s.store.get(uri) : undefined;
    const r = rec?.latest;
    if (!r && !rec?.pending) {
      this.item.hide();
      return;
    }
    const t = vscode.l10n.t;
    if (!r) {
      this.item.text = `$(sync~spin) ${t('Aymara: run pending')}`;
      const p = rec?.pending;
      this.item.tooltip = p?.eval_run_uuid
        ? t('Run {0} is being scored. Click to open the results.', shortId(p.eval_run_uuid, 40))
        : t('Run "{0}" is being sent for scoring. Click to open the results.', inert(p?.name ?? '', 120));
    } else {
      const c = r.counts;
      const bad = c.failed + c.errored;
      this.item.text = `$(${bad ? 'error' : 'pass'}) ${formatPercent(r.pass_rate)}  $(close) ${bad}  $(check) ${c.passed + c.refused}${rec?.stale ? ' $(history)' : ''}`;
      const merged = r.merged ? ' ' + t('Merged view: {0} response(s) rescored in the latest run, the rest from earlier runs.', r.merged.rescored) : '';
      this.item.tooltip = t('Aymara: {0}. Pass rate {1}.{2} Click to show the results.', countsLine(c, t), formatPercent(r.pass_rate), merged + (rec?.stale ? ' ' + t('The file changed since scoring.') : ''));
    }
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

import * as vscode from 'vscode';
import type { Scoring } from './scoreTypes';
import type { Services } from './services';

/** What score on save uses: settings, the log, the store (which files were scored) and scoring. */
export type Deps = Pick<Services, 'config' | 'context' | 'log' | 'store'> & { scoring: Pick<Scoring, 'score' | 'isScoring'> };

export type ScoreOnSaveMode = 'off' | 'changedEntries' | 'file';

/** `aymara.scoreOnSave` for the file (read at each save: it may differ per folder). */
export function modeOf(uri: vscode.Uri): ScoreOnSaveMode {
  const v = vscode.workspace.getConfiguration('aymara', uri).get<unknown>('scoreOnSave');
  return v === 'changedEntries' || v === 'file' ? v : 'off';
}

/** `aymara.scoreOnSaveConfirmAbove` for the file: above this many entries, score on save asks first. */
export function confirmAbove(uri: vscode.Uri): number {
  const v = vscode.workspace.getConfiguration('aymara', uri).get<unknown>('scoreOnSaveConfirmAbove');
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 25;
}

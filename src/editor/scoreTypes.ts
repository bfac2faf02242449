/**
 * What scoring shares between its registrations (scoreCommand.ts), the work behind them
 * (scorer.ts, loaded on first use) and the features that score: the dependencies, the API the
 * rest of the extension sees, and the consent keys.
 */
import type * as vscode from 'vscode';
import type { RunResult } from '../core/results';
import type { Services } from './services';

/** What scoring uses of the shared services. */
export type ScoringDeps = Pick<Services, 'apiOrigin' | 'client' | 'config' | 'context' | 'diagnostics' | 'isLoopback' | 'keys' | 'log' | 'prompts' | 'store'>;

/** Origins the user agreed to upload responses to (global state). */
export const CONSENT_KEY = 'aymara.uploadConsent';
export const CONSENT_FILES_KEY = 'aymara.uploadFilesConsent';

/** Scoring as the rest of the extension sees it: its commands, and picking up pending runs. */
export interface Scoring extends vscode.Disposable {
  /** Fetch the results of runs a reload left pending (after activation, and when trust is granted). */
  resumePending(): Promise<void>;
  /**
   * Score a file (as the Score command does), or only the entries with the given keys: such a run
   * is laid over the file's latest results (see core/overlayRun). Undefined when stopped or failed
   * (the user was told).
   */
  score(uri: vscode.Uri, options?: ScoreOptions): Promise<RunResult | undefined>;
  /** True while a run of the file is being sent, awaited or refreshed. */
  isScoring(uri: vscode.Uri): boolean;
}

export interface ScoreOptions {
  /** Only the entries with these keys (prompt, thread, turn) are sent. */
  only?: ReadonlySet<string>;
  /** Stops waiting (the run is kept and can be refreshed), as the progress notification's Cancel does. */
  token?: vscode.CancellationToken;
}

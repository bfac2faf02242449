import * as vscode from 'vscode';
import { TestCommand, WorkbenchCommand } from './commandIds';
import type { Services } from './services';

type Deps = Pick<Services, 'apiOrigin' | 'config' | 'context' | 'keys' | 'store'>;

/**
 * Context keys the Get Started walkthrough's steps complete on (package.json
 * contributes.walkthroughs, completionEvents onContext:…), each set from the real event: a key
 * saved for the configured origin, a file's results arriving, a file with two runs to compare.
 */
export const WalkthroughContext = {
  hasKey: 'aymara.walkthrough.hasKey',
  hasResults: 'aymara.walkthrough.hasResults',
  hasRuns: 'aymara.walkthrough.hasTwoRuns',
} as const;

export function register(s: Deps): vscode.Disposable {
  const values: Record<string, boolean> = {};
  const set = (key: string, value: boolean): void => {
    if (values[key] === value) return;
    values[key] = value;
    void vscode.commands.executeCommand(WorkbenchCommand.setContext, key, value);
  };
  // Only the latest check may set the key's step: an earlier one still awaiting the storage
  // (the first check, racing a key being saved) must not undo what a later one found.
  let keyChecks = 0;
  const keyState = async (): Promise<void> => {
    const check = ++keyChecks;
    let has = false;
    try {
      has = await s.keys.has(s.apiOrigin().origin);
    } catch {
      // No valid origin configured, or the storage could not be read: no key known.
    }
    if (check === keyChecks) set(WalkthroughContext.hasKey, has);
  };
  const results = (): void => {
    const records = s.store.all();
    // Once reached, a step stays done: clearing results does not undo "you scored a file".
    if (records.some((r) => r.latest)) set(WalkthroughContext.hasResults, true);
    if (records.some((r) => r.history.length >= 2)) set(WalkthroughContext.hasRuns, true);
  };
  // Off the activation path, like the other first reads.
  const first = setTimeout(() => {
    void keyState();
    void s.store.whenLoaded().then(results);
  }, 0);
  return vscode.Disposable.from(
    new vscode.Disposable(() => clearTimeout(first)),
    s.keys.onDidChange(() => void keyState()),
    s.config.onDidChange(() => void keyState()),
    s.store.onDidChange(results),
    ...(s.context.extensionMode === vscode.ExtensionMode.Test ? [vscode.commands.registerCommand(TestCommand.walkthroughContext, () => ({ ...values }))] : []),
  );
}

import type * as vscode from 'vscode';

/**
 * A feature whose module is loaded on its first use (a command's first call), not at activation:
 * a module only reached through `import()` is left out of dist/extension.js (see esbuild.mjs), so
 * loading the extension does not compile it. `load` runs once; what it gives is disposed with this.
 */
export class LazyFeature<T extends vscode.Disposable> implements vscode.Disposable {
  private loaded: Promise<T> | undefined;
  private disposed = false;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The extension was deactivated.'));
    return (this.loaded ??= this.load());
  }

  /** A command handler that loads the feature, then calls `call` with the command's arguments. */
  handler<A extends unknown[]>(call: (feature: T, ...args: A) => unknown): (...args: A) => Promise<unknown> {
    return async (...args: A) => call(await this.get(), ...args);
  }

  dispose(): void {
    this.disposed = true;
    void this.loaded?.then(
      (f) => f.dispose(),
      () => undefined,
    );
  }
}

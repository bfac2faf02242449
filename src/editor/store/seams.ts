/**
 * What the run store needs from its host, as plain interfaces: the extension passes VS Code's
 * workspace state and `workspace.fs` (runStore.ts); the benchmark passes a map and `node:fs`.
 * Nothing here imports `vscode`.
 */

/** Workspace state (vscode.Memento): small values only. */
export interface KeyValue {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

/** Files under one storage folder, by relative path ("runs/abc.json"). */
export interface Disk {
  read(path: string): Promise<Uint8Array>;
  /** Write to a temporary file beside `path`, then rename it over `path`. */
  writeAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Delete a file; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /** Names of the files in a folder; empty when the folder does not exist. */
  list(dir: string): Promise<string[]>;
}

export interface StoreLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  redact(text: string): string;
  redactDeep<T>(value: T): T;
}

/** Retention limits, read when they are applied (settings may change at any time). */
export interface Limits {
  /** Runs per file whose results are kept on disk. */
  maxRuns: number;
  /** Total size of all run files. */
  maxBytes: number;
}

export interface StoreHost {
  state: KeyValue;
  /** The storage folder: run files go in its `runs/` folder, the pending-runs file at its top. */
  disk: Disk;
  /** Whether the pending-runs file is kept (workspace storage only). */
  pendingFile: boolean;
  /** Whether unreferenced run files may be deleted (storage used by this workspace only). */
  ownsStorage: boolean;
  log: StoreLog;
  limits(): Limits;
  /** A saved file URI in canonical form, or undefined when it is not a valid URI. */
  canonicalUri(uri: string): string | undefined;
  /** Something changed for that file URI (undefined: maybe everything). */
  changed(uri: string | undefined): void;
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Disk } from './seams';

/**
 * Files under a storage folder on the extension host's own disk, through Node's file system.
 * The same files `workspace.fs` reaches for a `file:` folder (VS Code's extension host serves that
 * scheme from its own disk too), without a call per step through VS Code's file service: saving
 * a run's name before its request leaves took 70–300 ms that way (folder check, write, rename),
 * and a few milliseconds here.
 */
/** Files up to this size are written synchronously (see writeSmall). */
const SMALL_BYTES = 64 * 1024;

export class NodeDisk implements Disk {
  /** Folders made (or found) once already: they are not checked again before every write. */
  private readonly made = new Set<string>();

  constructor(private readonly root: string) {}

  private path(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  async read(path: string): Promise<Uint8Array> {
    return readFile(this.path(path));
  }

  async writeAtomic(path: string, data: Uint8Array): Promise<void> {
    const target = this.path(path);
    const dir = dirname(target);
    const known = this.made.has(dir);
    try {
      await this.write(dir, target, data, !known);
    } catch (err) {
      // The folder was deleted since it was made (a cleaner, a reset): made again, once.
      if (!known || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await this.write(dir, target, data, true);
    }
  }

  private async write(dir: string, target: string, data: Uint8Array, makeDir: boolean): Promise<void> {
    if (data.byteLength <= SMALL_BYTES) return this.writeSmall(dir, target, data, makeDir);
    if (makeDir) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * A small file (the pending runs, a few hundred bytes) is written on this thread: well under a
   * millisecond, where the asynchronous calls wait for Node's thread pool, which other extensions'
   * file work may hold (the first save after the window opened waited 260 ms for it, with the
   * request held until it was saved).
   */
  private writeSmall(dir: string, target: string, data: Uint8Array, makeDir: boolean): void {
    if (makeDir) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.path(path), { force: true });
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(this.path(dir), { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
    } catch {
      return [];
    }
  }
}

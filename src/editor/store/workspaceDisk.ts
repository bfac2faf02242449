import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { NodeDisk } from './nodeDisk';
import type { Disk } from './seams';

/** The disk for a storage folder: Node's file system for a `file:` folder, `workspace.fs` for any other. */
export function diskAt(root: vscode.Uri): Disk {
  return root.scheme === 'file' ? new NodeDisk(root.fsPath) : new WorkspaceDisk(root);
}

/** Files under the storage folder through `workspace.fs` (local or remote alike). */
export class WorkspaceDisk implements Disk {
  constructor(private readonly root: vscode.Uri) {}

  private uri(path: string): vscode.Uri {
    return vscode.Uri.joinPath(this.root, ...path.split('/'));
  }

  async read(path: string): Promise<Uint8Array> {
    return vscode.workspace.fs.readFile(this.uri(path));
  }

  async writeAtomic(path: string, data: Uint8Array): Promise<void> {
    const fs = vscode.workspace.fs;
    const target = this.uri(path);
    await fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    const tmp = target.with({ path: `${target.path}.${randomBytes(4).toString('hex')}.tmp` });
    await fs.writeFile(tmp, data);
    try {
      await fs.rename(tmp, target, { overwrite: true });
    } catch (err) {
      await Promise.resolve(fs.delete(tmp)).catch(() => undefined);
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.uri(path));
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return;
      throw err;
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await vscode.workspace.fs.readDirectory(this.uri(dir))).filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
    } catch {
      return [];
    }
  }
}

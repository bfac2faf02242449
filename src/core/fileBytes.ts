/**
 * Reading a responses file from disk: only a regular file, and never more than a byte cap. A
 * device (/dev/zero), a FIFO, a socket or a folder is refused at once instead of hanging or
 * exhausting the heap; a file over the cap is refused from its size, and one that holds more than
 * its recorded size (growing, or a /proc file) is cut off at the cap. The command line and the
 * extension (for file: URIs) both read through here; each words the refusal for its own users.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type FileReadProblem = 'missing' | 'directory' | 'not-regular' | 'too-large' | 'unreadable' | 'not-utf8';

/** Why a file was not read. `message` is English, starts lower case, and ends with a next step. */
export class FileReadError extends Error {
  constructor(
    readonly problem: FileReadProblem,
    message: string,
    /** For 'too-large': the size found (at least limit + 1 when the file grew) and the cap. For 'not-regular': what it is. */
    readonly detail: { size?: number; limit?: number; kind?: string; code?: string } = {},
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

// Opening a FIFO for reading waits for a writer unless it is non-blocking (not defined on Windows,
// where there are no FIFOs to open by path).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 1 << 20;

/** The bytes of the regular file at `path`, at most `maxBytes` of them; otherwise a FileReadError. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    throw fromSystemError(err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new FileReadError('directory', 'is a folder, not a responses file.');
    if (!stat.isFile()) {
      const kind = kindOf(stat);
      throw new FileReadError('not-regular', `not a regular file but ${kind}; only a regular file can be scored. Save the responses to a file and score that.`, { kind });
    }
    if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes, false);
    return await readCapped(handle, stat.size, maxBytes);
  } catch (err) {
    throw err instanceof FileReadError ? err : fromSystemError(err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Read to the end, but never past the cap: the recorded size is only a first guess. */
async function readCapped(handle: FileHandle, size: number, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  // One read of the recorded size, plus one byte to see whether there is more; then chunks.
  let want = Math.min(size, maxBytes) + 1;
  for (;;) {
    const buf = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await handle.read(buf, filled, want - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    total += filled;
    if (total > maxBytes) throw tooLarge(total, maxBytes, true);
    chunks.push(filled === want ? buf : buf.subarray(0, filled));
    if (filled < want) break;
    want = Math.min(CHUNK, maxBytes - total + 1);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** UTF-8 text of a file's bytes (a leading BOM dropped, as editors do), or a FileReadError 'not-utf8'. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileReadError('not-utf8', 'the file is not UTF-8 text; save it as UTF-8 JSON.');
  }
}

/** A byte count for a message: "812 bytes", "3.0 KB", "100 MB" (1 KB = 1024 bytes). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, 'KB'] : n < 1024 ** 3 ? [n / 1024 ** 2, 'MB'] : [n / 1024 ** 3, 'GB'];
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${unit}`;
}

function tooLarge(size: number, limit: number, grew: boolean): FileReadError {
  const shown = formatBytes(size) === formatBytes(limit) ? `${size} bytes` : formatBytes(size);
  const message = grew
    ? `the file grew past the ${formatBytes(limit)} limit while it was read; it was not used and nothing was sent.`
    : `the file is ${shown}, over the ${formatBytes(limit)} limit; it was not read and nothing was sent.`;
  return new FileReadError('too-large', message, { size, limit });
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

function fromSystemError(err: unknown): FileReadError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileReadError('missing', 'no such file.', { code });
  if (code === 'EISDIR') return new FileReadError('directory', 'is a folder, not a responses file.', { code });
  // A socket cannot be opened like a file.
  if (code === 'ENXIO' || code === 'EOPNOTSUPP') return new FileReadError('not-regular', 'not a regular file but a socket; only a regular file can be scored. Save the responses to a file and score that.', { code, kind: 'a socket' });
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied; check that you can read it.' : `${code || (err as Error)?.message || 'unknown error'}.`;
  return new FileReadError('unreadable', `could not be read: ${why}`, { code });
}

/**
 * Workspace files as image answers, without a network: where a local path may lead (inside the
 * folder only, no symlink out, a regular media file under the size limit) and the upload cache.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findLocalFile, LocalFileError, readLocalFile, type LocalFileProblem } from '../../src/core/files/resolve';
import { MAX_CACHED_PER_ORIGIN, UploadCache } from '../../src/core/files/uploadCache';
import { localPathProblem, uploadName } from '../../src/core/files/localPath';

const PNG = readFileSync(resolve(__dirname, '../../../test/fixtures/images/kettle.png'));
const SHA = (n: number) => n.toString(16).padStart(64, '0');

const refused = (problem: LocalFileProblem, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof LocalFileError, String(e));
  assert.equal(e.problem, problem, e.message);
  assert.match(e.message, re);
  return true;
};

describe('workspace files: where a local path may lead', () => {
  let dir: string;
  let root: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aymara-files-'));
    root = join(dir, 'ws');
    mkdirSync(join(root, 'shots'), { recursive: true });
    writeFileSync(join(root, 'shots', 'a.png'), PNG);
    writeFileSync(join(root, 'shots', 'clip.mp4'), Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(16)]));
    writeFileSync(join(root, 'notes.png'), 'not a picture');
    writeFileSync(join(dir, 'secret.png'), PNG);
    symlinkSync(join(dir, 'secret.png'), join(root, 'shots', 'link-out.png'));
    symlinkSync(join(root, 'shots', 'a.png'), join(root, 'link-in.png'));
    symlinkSync(dir, join(root, 'up'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a file inside the folder, and one reached through a link that stays inside', async () => {
    const f = await findLocalFile(root, 'shots/a.png');
    assert.equal(f.size, PNG.length);
    const read = await readLocalFile(f, 'image');
    assert.equal(read.mime, 'image/png');
    assert.deepEqual(Buffer.from(read.bytes), PNG);
    assert.equal((await findLocalFile(root, 'link-in.png')).size, PNG.length);
    assert.equal((await findLocalFile(root, './shots/a.png')).size, PNG.length);
  });

  it('refuses "..", absolute paths and backslashes from their text, before touching the disk', async () => {
    await assert.rejects(findLocalFile(root, '../secret.png'), refused('bad-path', /leaves the workspace folder with "\.\."/));
    await assert.rejects(findLocalFile(root, 'shots/../../secret.png'), refused('bad-path', /leaves the workspace folder/));
    await assert.rejects(findLocalFile(root, join(dir, 'secret.png')), refused('bad-path', /absolute path/));
    await assert.rejects(findLocalFile(root, 'C:/x.png'), refused('bad-path', /absolute path/));
    await assert.rejects(findLocalFile(root, 'shots\\a.png'), refused('bad-path', /"\/" between folders/));
    await assert.rejects(findLocalFile(root, ''), refused('bad-path', /empty/));
    assert.equal(localPathProblem('shots/a.png'), null);
    assert.equal(uploadName('shots/deep/a.png'), 'a.png');
  });

  it('refuses a symlink pointing out of the folder, also through a linked folder (checked on the real path)', async () => {
    await assert.rejects(findLocalFile(root, 'shots/link-out.png'), refused('outside', /link to a file outside the workspace folder/));
    await assert.rejects(findLocalFile(root, 'up/secret.png'), refused('outside', /outside the workspace folder/));
  });

  it('says a missing file is missing, and refuses a folder and a file that is not an image or video', async () => {
    await assert.rejects(findLocalFile(root, 'shots/nope.png'), refused('missing', /"shots\/nope\.png" does not exist in the folder/));
    await assert.rejects(findLocalFile(root, 'shots'), refused('not-file', /not a regular file/));
    await assert.rejects(readLocalFile(await findLocalFile(root, 'notes.png'), 'image'), refused('not-media', /not a PNG, JPEG, GIF, WebP, MP4, QuickTime or WebM file/));
  });

  it('refuses a video answered as an image', async () => {
    await assert.rejects(readLocalFile(await findLocalFile(root, 'shots/clip.mp4'), 'image'), refused('wrong-kind', /is a video but "content_type" is "image"/));
    assert.equal((await readLocalFile(await findLocalFile(root, 'shots/clip.mp4'), 'video')).mime, 'video/mp4');
  });

  it('refuses a file over the size limit from its size, with both figures', async () => {
    await assert.rejects(findLocalFile(root, 'shots/a.png', 50), refused('too-large', new RegExp(`is ${PNG.length} bytes, over the 50 bytes upload limit; nothing was sent`)));
    const found = await findLocalFile(root, 'shots/a.png');
    await assert.rejects(readLocalFile(found, 'image', 50), refused('too-large', /upload limit/));
  });

  it('refuses every path when the responses file is in no folder', async () => {
    await assert.rejects(findLocalFile(null, 'shots/a.png'), refused('no-folder', /not inside a workspace folder.*Open the folder/));
  });
});

describe('upload cache', () => {
  const entry = (id: string) => ({ file_uuid: id, remote_file_path: `${id}.png`, size: 10, used_at: '2026-01-01T00:00:00.000Z' });

  it('is kept per origin and by content hash, and survives a round trip through JSON', () => {
    const c = new UploadCache();
    c.set('http://127.0.0.1:1', SHA(1), entry('file.a'));
    assert.equal(c.get('http://127.0.0.1:1', SHA(1))?.file_uuid, 'file.a');
    assert.equal(c.get('https://api.aymara.ai', SHA(1)), undefined, 'another origin has its own files');
    const back = UploadCache.fromJSON(JSON.parse(JSON.stringify(c)));
    assert.deepEqual(back.get('http://127.0.0.1:1', SHA(1)), entry('file.a'));
    back.delete('http://127.0.0.1:1', SHA(1));
    assert.equal(back.get('http://127.0.0.1:1', SHA(1)), undefined);
  });

  it('keeps only well-formed entries from storage', () => {
    const c = UploadCache.fromJSON({ o: { [SHA(1)]: entry('ok'), 'not-a-hash': entry('x'), [SHA(2)]: { file_uuid: 3 } }, p: 'junk', q: null });
    assert.equal(c.size('o'), 1);
    assert.equal(c.get('o', SHA(1))?.file_uuid, 'ok');
    assert.equal(UploadCache.fromJSON('junk').size('o'), 0);
    assert.equal(UploadCache.fromJSON([1, 2]).size('o'), 0);
  });

  it('drops the least recently used files beyond its bound', () => {
    const c = new UploadCache();
    for (let i = 0; i < MAX_CACHED_PER_ORIGIN; i++) c.set('o', SHA(i), entry(`f${i}`));
    c.set('o', SHA(0), entry('f0')); // used again: now the newest
    c.set('o', SHA(MAX_CACHED_PER_ORIGIN), entry('new'));
    assert.equal(c.size('o'), MAX_CACHED_PER_ORIGIN);
    assert.ok(c.get('o', SHA(0)), 'the file used again is kept');
    assert.equal(c.get('o', SHA(1)), undefined, 'the least recently used is dropped');
  });
});

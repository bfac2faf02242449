/**
 * The Marketplace page is the README: every picture it links must exist in the repository (and be
 * shipped), and the package's icon must be a PNG of at least 128×128 (the Marketplace's rule).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { icon?: string };

function linkedImages(markdown: string): string[] {
  const md = [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  const html = [...markdown.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  return [...md, ...html];
}

describe('README and package pictures', () => {
  it('links pictures by relative path only, and each one exists', () => {
    const images = linkedImages(readme);
    assert.ok(images.length >= 4, `the README shows pictures (found ${images.length})`);
    for (const src of images) {
      assert.ok(!/^[a-z]+:/i.test(src), `${src} is a relative path (the Marketplace resolves it against the repository)`);
      const file = path.join(root, decodeURI(src));
      assert.ok(fs.existsSync(file), `${src} exists`);
      assert.ok(fs.statSync(file).size > 1000, `${src} is not empty`);
    }
  });

  it('has a PNG icon of at least 128×128', () => {
    assert.ok(pkg.icon && pkg.icon.endsWith('.png'), 'package.json names a PNG icon');
    const b = fs.readFileSync(path.join(root, pkg.icon));
    assert.equal(b.readUInt32BE(0), 0x89504e47, 'the icon is a PNG');
    assert.ok(b.readUInt32BE(16) >= 128 && b.readUInt32BE(20) >= 128, 'the icon is at least 128×128');
  });

  it('keeps a changelog in the Keep a Changelog format with an Unreleased section', () => {
    const log = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    assert.match(log, /keepachangelog\.com/);
    assert.match(log, /^## \[Unreleased\]$/m);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitReleaseDir, discardReleaseDir, openReleaseDir, PARTIAL_MARKER, RELEASE_MARKER } from '../../src/dataset/release-dir.ts';

const marker = JSON.stringify({ format: 'simpact-release', complete: true });

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'simpact-reldir-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writes into a temporary sibling and renames it; replaces an earlier complete release', () => {
  withDir((dir) => {
    const out = join(dir, 'rel');
    const first = openReleaseDir(out);
    assert.ok(existsSync(join(first.tmp, PARTIAL_MARKER)));
    assert.ok(!existsSync(out));
    writeFileSync(join(first.tmp, 'a.txt'), 'one');
    assert.throws(() => commitReleaseDir(first), /no completion marker/);
    writeFileSync(join(first.tmp, RELEASE_MARKER), marker);
    commitReleaseDir(first);
    assert.deepEqual(readdirSync(out).sort(), ['a.txt', RELEASE_MARKER]);
    const second = openReleaseDir(out);
    writeFileSync(join(second.tmp, RELEASE_MARKER), marker);
    commitReleaseDir(second);
    assert.deepEqual(readdirSync(out), [RELEASE_MARKER]);
    assert.deepEqual(readdirSync(dir), ['rel']);
  });
});

test('refuses a non-release folder and a half-written one; removes leftover temporary folders', () => {
  withDir((dir) => {
    const out = join(dir, 'rel');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'user data');
    assert.throws(() => openReleaseDir(out), /not a simpact release.*refusing/);
    rmSync(join(out, 'mine.txt'));
    writeFileSync(join(out, PARTIAL_MARKER), '');
    assert.throws(() => openReleaseDir(out), /half-written release/);
    rmSync(out, { recursive: true });
    const crashed = openReleaseDir(out); // as if the process died here
    const again = openReleaseDir(out);
    assert.deepEqual(again.removedLeftovers, [crashed.tmp.slice(dir.length + 1)]);
    discardReleaseDir(again);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('an output folder that cannot be created is a clear error', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'file'), 'x');
    assert.throws(() => openReleaseDir(join(dir, 'file', 'sub', 'rel')), /cannot create the parent folder.*ENOTDIR/);
    assert.throws(() => openReleaseDir(join(dir, 'file')), /exists and is not a folder/);
    // The parent itself a file: the message says so rather than a bare EEXIST.
    assert.throws(() => openReleaseDir(join(dir, 'file', 'rel')), /cannot create the parent folder of .*file.rel: a part of the path is a file, not a folder \(EEXIST\)/);
  });
});

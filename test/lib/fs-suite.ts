// One conformance suite every writable file server passes, through the File interface.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { File, FileServer, Handle } from '../../src/fs/types.ts';

const enc = new TextEncoder(), dec = new TextDecoder();

async function readAll(h: Handle): Promise<string> {
  const buf = new Uint8Array(64);
  let out = '', off = 0;
  for (;;) {
    const n = await h.read(buf, off);
    if (n === 0) return out;
    out += dec.decode(buf.subarray(0, n));
    off += n;
  }
}

async function rejects(p: () => unknown, errno: string): Promise<void> {
  await assert.rejects(async () => { await p(); }, (e: { errno?: string }) => e.errno === errno);
}

/** What a server cannot do; the tests that need it are skipped, saying so (9P2000 and .u
 *  cannot move files between directories or set times to the nanosecond,
 *  and have no nlink, 9P2000 no symlinks or links). */
export interface Lacks { crossRename?: boolean; links?: boolean; nanoTimes?: boolean }

const lacking: Record<keyof Lacks, string> = {
  crossRename: 'cannot move a file into another directory',
  links: 'lacks symlinks, hard links or link counts',
  nanoTimes: 'cannot set times to the nanosecond',
};

export function fsSuite(name: string, make: () => FileServer, lacks: Lacks = {}): void {
  const skip = (what: keyof Lacks): string | false => (lacks[what] ? `${name} ${lacking[what]}` : false);
  const root = async (): Promise<File> => make().root();
  const put = async (dir: File, n: string, text: string): Promise<File> => {
    const f = await dir.create(n, 'file', 0o644, true);
    const h = await f.open({ read: false, write: true });
    await h.write(enc.encode(text), 0);
    h.close();
    return f;
  };

  test(`${name}: create, write, read, stat`, async () => {
    const r = await root();
    const f = await put(r, 'a', 'hello');
    const st = await f.stat();
    assert.equal(st.type, 'file');
    assert.equal(st.size, 5);
    const again = await r.walk('a');
    assert.equal(again.qid.path, f.qid.path);
    const h = await again.open({ read: true, write: false });
    assert.equal(await readAll(h), 'hello');
    h.close();
  });

  test(`${name}: writes at offsets, truncate, grow with zeros`, async () => {
    const r = await root();
    const f = await put(r, 'b', 'abcdef');
    const h = await f.open({ read: true, write: true });
    await h.write(enc.encode('XY'), 2);
    await h.write(enc.encode('!'), 8);
    assert.equal(await readAll(h), 'abXYef\0\0!');
    h.close();
    await f.wstat({ size: 3 });
    assert.equal((await f.stat()).size, 3);
    const t = await f.open({ read: true, write: true, truncate: true });
    assert.equal(await readAll(t), '');
    t.close();
  });

  test(`${name}: directories: mkdir, list, remove rules`, async () => {
    const r = await root();
    const d = await r.create('d', 'dir', 0o755, true);
    await put(d, 'x', '1');
    await d.create('sub', 'dir', 0o755, true);
    const h = await d.open({ read: true, write: false });
    const names = (await h.readdir()).map(e => `${e.name}:${e.type}`).sort();
    h.close();
    assert.deepEqual(names, ['sub:dir', 'x:file']);
    await rejects(() => r.create('d', 'dir', 0o755, true), 'EEXIST');
    await rejects(() => r.create('d', 'file', 0o644, true), 'EEXIST');
    await rejects(() => r.remove('d', 'dir'), 'ENOTEMPTY');
    await rejects(() => d.remove('x', 'dir'), 'ENOTDIR');
    await rejects(() => r.remove('d', 'file'), 'EISDIR');
    await rejects(() => r.walk('nope'), 'ENOENT');
    await rejects(() => d.open({ read: true, write: true }), 'EISDIR');
    await d.remove('x', 'file');
    await d.remove('sub', 'dir');
    await r.remove('d', 'dir');
    await rejects(() => r.walk('d'), 'ENOENT');
  });

  test(`${name}: rename files and directories, replace, refuse a cycle`, { skip: skip('crossRename') }, async () => {
    const r = await root();
    const a = await r.create('ra', 'dir', 0o755, true);
    const b = await r.create('rb', 'dir', 0o755, true);
    await put(a, 'f', 'moved');
    await a.rename('f', b, 'g');
    await rejects(() => a.walk('f'), 'ENOENT');
    const g = await b.walk('g');
    const h = await g.open({ read: true, write: false });
    assert.equal(await readAll(h), 'moved');
    h.close();
    await put(b, 'h', 'old');
    await b.rename('g', b, 'h');
    assert.equal((await (await b.walk('h')).stat()).size, 5);
    await rejects(() => r.rename('ra', a, 'inside'), 'EINVAL');
    await put(r, 'plain', '');
    await rejects(() => r.rename('ra', r, 'plain'), 'ENOTDIR');
  });

  test(`${name}: symlinks and hard links`, { skip: skip('links') }, async () => {
    const r = await root();
    const f = await put(r, 'target', 'data');
    await r.symlink('ln', 'target');
    const ln = await r.walk('ln');
    assert.equal(ln.qid.type, 'symlink');
    assert.equal(await ln.readlink(), 'target');
    await rejects(() => r.symlink('ln', 'x'), 'EEXIST');
    await r.link('hard', f);
    const hard = await r.walk('hard');
    assert.equal(hard.qid.path, f.qid.path);
    assert.equal((await f.stat()).nlink, 2);
    await r.remove('target', 'file');
    const h = await hard.open({ read: true, write: false });
    assert.equal(await readAll(h), 'data');
    h.close();
    const d = await r.create('ld', 'dir', 0o755, true);
    await rejects(() => r.link('dl', d), 'EPERM');
  });

  test(`${name}: times can be set exactly`, { skip: skip('nanoTimes') }, async () => {
    const r = await root();
    const f = await put(r, 't', '');
    await f.wstat({ atime: 1_000_000_123n, mtime: 1_700_000_000_123_456_789n });
    const st = await f.stat();
    assert.equal(st.atime, 1_000_000_123n);
    assert.equal(st.mtime, 1_700_000_000_123_456_789n);
  });

  test(`${name}: bad names are refused`, async () => {
    const r = await root();
    for (const n of ['', '.', '..', 'a/b']) await rejects(() => r.create(n, 'file', 0o644, true), 'EINVAL');
  });
}

/** A read-only server refuses every change with EROFS and still reads. */
export function readOnlySuite(name: string, make: () => FileServer, existing: string): void {
  test(`${name}: read-only refuses every change`, async () => {
    const r = make().root();
    const f = await r.walk(existing);
    await rejects(() => r.create('new', 'file', 0o644, true), 'EROFS');
    await rejects(() => r.create('newdir', 'dir', 0o755, true), 'EROFS');
    await rejects(() => r.remove(existing, 'file'), 'EROFS');
    await rejects(() => r.rename(existing, r, 'other'), 'EROFS');
    await rejects(() => r.symlink('s', existing), 'EROFS');
    await rejects(() => r.link('l', f), 'EROFS');
    await rejects(() => f.open({ read: false, write: true }), 'EROFS');
    await rejects(() => f.wstat({ size: 0 }), 'EROFS');
    const h = await f.open({ read: true, write: false });
    assert.ok((await readAll(h)).length > 0);
    h.close();
  });
}

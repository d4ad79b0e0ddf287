// The 9P client: the file-server conformance suite through RemoteFs, against
// Goblin's own server in each dialect (in process, and over loopback tcp to a
// host directory); then the client's own rules: version fallback, tags and
// fids, pieces in flight, error conversion and a lost connection.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fail } from '../src/error.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File, FileServer, Handle, Stat } from '../src/fs/types.ts';
import { newDev } from '../src/fs/types.ts';
import { file as fsFile, handle } from '../src/fs/defaults.ts';
import { Client, type ClientOptions, type RemoteFs, type Transport } from '../src/fs/remote/client.ts';
import { serverTransport } from '../src/exportfs/loop.ts';
import { type Dialect, decode, encode, Framer, type Msg } from '../src/ninep/index.ts';
import { Server } from '../src/exportfs/server.ts';
import { socketTransport } from '../src/node/dial.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { dial, listen } from '../src/node/transport.ts';
import { fsSuite } from './lib/fs-suite.ts';

const enc = new TextEncoder(), dec = new TextDecoder();

async function mount(exported: FileServer, opts: ClientOptions = {}, server?: Server): Promise<{ fs: RemoteFs; server: Server; client: Client }> {
  const s = server ?? new Server({ exports: { '': exported } });
  const client = await Client.connect(serverTransport(s), opts);
  return { fs: await client.attach('', { uname: 'glenda' }), server: s, client };
}

async function readAll(h: Handle, chunk = 4096): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let off = 0;
  for (;;) {
    const b = new Uint8Array(chunk);
    const n = await h.read(b, off);
    if (n === 0) break;
    parts.push(b.subarray(0, n));
    off += n;
  }
  const out = new Uint8Array(off);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

async function put(dir: File, name: string, data: string | Uint8Array): Promise<File> {
  const f = await dir.create(name, 'file', 0o644, false);
  const h = await f.open({ read: false, write: true, truncate: true });
  const b = typeof data === 'string' ? enc.encode(data) : data;
  assert.equal(await h.write(b, 0), b.length);
  h.close();
  return f;
}

async function text(f: File): Promise<string> {
  const h = await f.open({ read: true, write: false });
  try { return dec.decode(await readAll(h)); } finally { h.close(); }
}

// ---- the conformance suite, one connection per dialect

const L = await mount(new RamFs(), { dialect: '9P2000.L' });
const U = await mount(new RamFs(), { dialect: '9P2000.u' });
const P = await mount(new RamFs(), { dialect: '9P2000' });
assert.equal(L.client.dialect, '9P2000.L');
assert.equal(U.client.dialect, '9P2000.u');
assert.equal(P.client.dialect, '9P2000');
fsSuite('9p client 9P2000.L', () => L.fs);
fsSuite('9p client 9P2000.u', () => U.fs, { crossRename: true, links: true, nanoTimes: true });
fsSuite('9p client 9P2000', () => P.fs, { crossRename: true, links: true, nanoTimes: true });

// the same over loopback tcp, to a host directory
const hostDir = mkdtempSync(join(tmpdir(), 'goblin-9pc-'));
const tcpServer = new Server({ exports: { '': new HostFs(hostDir) } });
const listener = await listen(tcpServer, 'tcp!127.0.0.1!0');
const tcpClient = await Client.connect(socketTransport(await dial(listener.addr)));
const tcpFs = await tcpClient.attach('', { uname: 'glenda' });
fsSuite('9p client over tcp to a host directory', () => tcpFs);
after(async () => {
  tcpClient.close();
  await listener.close();
  rmSync(hostDir, { recursive: true, force: true });
});

describe('9p client', () => {
  test('what the client wrote over tcp is on the host disk', async () => {
    await put(tcpFs.root(), 'on-disk', 'written through 9P');
    assert.equal(readFileSync(join(hostDir, 'on-disk'), 'utf8'), 'written through 9P');
  });

  test('9P2000.u: symlinks, readlink, hard links, renames within a directory', async () => {
    const r = U.fs.root();
    const d = await r.create('u', 'dir', 0o755, true);
    const f = await put(d, 'target', 'data');
    await d.symlink('ln', 'target');
    const ln = await d.walk('ln');
    assert.equal(ln.qid.type, 'symlink');
    assert.equal(await ln.readlink(), 'target');
    await d.link('hard', f);
    assert.equal((await d.walk('hard')).qid.path, f.qid.path);
    await d.rename('hard', d, 'moved');
    assert.equal(await text(await d.walk('moved')), 'data');
    await assert.rejects(async () => d.walk('hard'), { errno: 'ENOENT' });
    await assert.rejects(async () => d.rename('moved', r, 'elsewhere'), { errno: 'EXDEV' });
  });

  test('9P2000: times to the second, no symlinks or links, renames within a directory', async () => {
    const r = P.fs.root();
    const f = await put(r, 'p9', 'x');
    await f.wstat({ mtime: 1_700_000_000_999_999_999n });
    assert.equal((await f.stat()).mtime, 1_700_000_000_000_000_000n);
    await assert.rejects(async () => r.symlink('s', 'p9'), { errno: 'ENOTSUP' });
    await assert.rejects(async () => r.link('l', f), { errno: 'ENOTSUP' });
    await r.rename('p9', r, 'p9b');
    assert.equal(await text(await r.walk('p9b')), 'x');
    // an Rerror's text is the error
    await assert.rejects(async () => r.walk('p9'), { errno: 'ENOENT' });
    await assert.rejects(async () => r.create('p9b', 'file', 0o644, true), { errno: 'EEXIST' });
  });

  test('9P2000 and .u: appends go to the end', async () => {
    for (const fs of [P.fs, U.fs, L.fs]) {
      const f = await put(fs.root(), 'app', 'ab');
      const h = await f.open({ read: false, write: true, append: true });
      assert.equal(await h.write(enc.encode('cd'), 0), 2);
      assert.equal(await h.write(enc.encode('ef'), 0), 2);
      h.close();
      assert.equal(await text(f), 'abcdef', fs.dialect);
    }
  });

  test('directories list in every dialect, across many replies', async () => {
    for (const dialect of ['9P2000', '9P2000.u', '9P2000.L'] as const) {
      const lines: string[] = [];
      const { fs } = await mount(new RamFs(), { dialect, msize: 4096, trace: l => lines.push(l) });
      const d = await fs.root().create('many', 'dir', 0o755, true);
      const names = Array.from({ length: 300 }, (_, i) => `entry-with-a-long-name-${String(i).padStart(4, '0')}`);
      for (const n of names) await d.create(n, 'file', 0o644, true);
      const h = await d.open({ read: true, write: false });
      lines.length = 0;
      const ents = await h.readdir();
      h.close();
      assert.deepEqual(ents.map(e => e.name).sort(), names, dialect);
      assert.ok(ents.every(e => e.type === 'file'));
      assert.ok(lines.filter(l => /^R(read|readdir) /.test(l)).length > 4, `${dialect}: ${lines.length} lines`);
    }
  });

  test('a walk, open, read and close, as a transcript: temporaries are clunked', async () => {
    const lines: string[] = [];
    const ram = new RamFs();
    (ram.root().create('a', 'file', 0o644, true) as File as { open(o: object): Handle }).open({ read: false, write: true }).write(enc.encode('hello'), 0);
    const { fs } = await mount(ram, { trace: l => lines.push(l) });
    lines.length = 0;
    const f = await fs.root().walk('a');
    const h = await f.open({ read: true, write: false });
    const b = new Uint8Array(16);
    assert.equal(await h.read(b, 0), 5);
    h.close();
    await new Promise(r => setTimeout(r, 0));
    assert.deepEqual(lines, [
      'Twalk tag 0 fid 0 newfid 1 "a"',
      'Rwalk tag 0 (0000000000000002 0)',
      'Twalk tag 0 fid 1 newfid 2',
      'Rwalk tag 0',
      'Tlopen tag 0 fid 2 flags 0x0',
      'Rlopen tag 0 qid (0000000000000002 0) iounit 1048576',
      'Tread tag 0 fid 2 offset 0 count 16',
      'Rread tag 0 count 5 "hello"',
      'Tclunk tag 0 fid 2',
      'Rclunk tag 0',
    ]);
  });

  test('the version falls back from 9P2000.L to .u when the server says unknown', async () => {
    const asked: string[] = [];
    const t = scripted((m, reply) => {
      if (m.kind === 'Tversion') {
        asked.push(m.version);
        reply({ kind: 'Rversion', tag: m.tag, msize: 8192, version: m.version === '9P2000.u' ? '9P2000.u' : 'unknown' });
      }
    });
    const c = await Client.connect(t);
    assert.deepEqual(asked, ['9P2000.L', '9P2000.u']);
    assert.equal(c.dialect, '9P2000.u');
    assert.equal(c.msize, 8192);
    assert.equal(c.iounit, 8192 - 24);
    c.close();
  });

  test('a server that speaks no dialect is refused with one clear error', async () => {
    const t = scripted((m, reply) => { if (m.kind === 'Tversion') reply({ kind: 'Rversion', tag: m.tag, msize: 8192, version: 'unknown' }); });
    await assert.rejects(Client.connect(t), /server speaks none of 9P2000\.L, 9P2000\.u, 9P2000/);
  });

  test('large reads and writes go out as iounit pieces, several in flight, and come back whole', async () => {
    const lines: string[] = [];
    const ram = new RamFs();
    const { fs, client } = await mount(ram, { msize: 8192 + 24, trace: l => lines.push(l) });
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    const f = await fs.root().create('big', 'file', 0o644, true);
    const h = await f.open({ read: true, write: true });
    lines.length = 0;
    assert.equal(await h.write(big, 0), big.length);
    const writes = lines.filter(l => l.startsWith('Twrite'));
    assert.equal(writes.length, Math.ceil(big.length / client.iounit));
    // all of them went out before the first reply came back
    assert.ok(lines.findIndex(l => l.startsWith('Rwrite')) > writes.length - 1, lines.slice(0, 20).join('\n'));
    const back = new Uint8Array(big.length + 10);
    assert.equal(await h.read(back, 0), big.length);
    assert.deepEqual(back.subarray(0, big.length), big);
    assert.equal(await h.read(back.subarray(0, 5000), 99_000), 1000);
    h.close();
    assert.equal((await f.stat()).size, big.length);
  });

  test('more requests than maxRequests wait their turn', async () => {
    const { fs, server } = await mount(new RamFs(), { maxRequests: 2 });
    const r = fs.root();
    await Promise.all(Array.from({ length: 20 }, (_, i) => put(r, `f${i}`, `${i}`)));
    const texts = await Promise.all(Array.from({ length: 20 }, async (_, i) => text(await r.walk(`f${i}`))));
    assert.deepEqual(texts, Array.from({ length: 20 }, (_, i) => `${i}`));
    const [session] = [...server.sessions];
    assert.ok(session!.requestCount === 0);
  });

  test('Files keep at most maxFids fids; one that lost its fid walks back to it', async () => {
    const s = new Server({ exports: { '': new RamFs() } });
    const client = await Client.connect(serverTransport(s));
    const fs = await client.attach('', { maxFids: 4 });
    const r = fs.root();
    const d = await r.create('d', 'dir', 0o755, true);
    for (let i = 0; i < 10; i++) await put(d, `f${i}`, `file ${i}`);
    const dd = await r.walk('d');
    const files: File[] = [];
    for (let i = 0; i < 10; i++) files.push(await dd.walk(`f${i}`));
    await settled(client);
    const session = [...s.sessions][0]!;
    assert.ok(session.fidCount <= 4 + 1, `${session.fidCount} fids`); // + the root
    // the first ones gave up their fids: they walk back from d (itself walked back from the root)
    for (let i = 0; i < 10; i++) assert.equal(await text(files[i]!), `file ${i}`);
    await settled(client);
    assert.ok(session.fidCount <= 4 + 1, `${session.fidCount} fids`);
    // a File whose name now names another file is stale, not that other file
    for (let i = 0; i < 10; i++) await dd.walk(`f${i}`);
    await dd.remove('f0', 'file');
    await put(dd, 'f0', 'a new file');
    await assert.rejects(async () => files[0]!.stat(), { errno: 'ENOENT' });
    client.close();
  });

  test('handles clunk their fid on close; failed walks leave none', async () => {
    const { fs, client, server } = await mount(new RamFs());
    const session = [...server.sessions][0]!;
    const r = fs.root();
    const f = await put(r, 'x', 'y');
    await settled(client);
    const before = session.fidCount;
    const hs = await Promise.all(Array.from({ length: 5 }, () => f.open({ read: true, write: false })));
    assert.equal(session.fidCount, before + 5);
    for (const h of hs) h.close();
    for (let i = 0; i < 5; i++) await assert.rejects(async () => r.walk(`missing${i}`), { errno: 'ENOENT' });
    await settled(client);
    assert.equal(session.fidCount, before);
  });

  test('Rlerror and Rerror become the same errors', async () => {
    for (const fs of [L.fs, U.fs, P.fs]) {
      const r = fs.root();
      const d = await r.create(`e-${fs.dialect}`, 'dir', 0o755, true);
      await put(d, 'f', '');
      await assert.rejects(async () => r.remove(`e-${fs.dialect}`, 'dir'), { errno: 'ENOTEMPTY' }, fs.dialect);
      await assert.rejects(async () => (await d.walk('f')).walk('g'), { errno: 'ENOTDIR' }, fs.dialect);
      await assert.rejects(async () => d.walk('nope'), { errno: 'ENOENT' }, fs.dialect);
    }
  });

  test('a lost connection fails the request in flight and every later one with EIO', async () => {
    let started!: () => void;
    const reading = new Promise<void>(r => { started = r; });
    const slow = slowFs(() => { started(); return new Promise<number>(() => {}); }); // a read that never answers
    const { fs, client, server } = await mount(slow);
    const f = await fs.root().walk('slow');
    const h = await f.open({ read: true, write: false });
    const pending = h.read(new Uint8Array(10), 0);
    await reading;
    [...server.sessions][0]!.close(); // the server hangs up
    await assert.rejects(async () => pending, { errno: 'EIO' });
    await assert.rejects(async () => f.stat(), { errno: 'EIO' });
    await assert.rejects(async () => fs.root().walk('slow'), { errno: 'EIO' });
    assert.equal(client.lostError?.errno, 'EIO');
  });

  test('a reply that does not decode fails its request, not the session', async () => {
    const t = scripted((m, reply, raw) => {
      if (m.kind === 'Tversion') reply({ kind: 'Rversion', tag: m.tag, msize: 8192, version: '9P2000.L' });
      else if (m.kind === 'Tattach') reply({ kind: 'Rattach', tag: m.tag, qid: { type: 0x80, version: 0, path: 1n } });
      else if (m.kind === 'Tgetattr') raw(new Uint8Array([8, 0, 0, 0, 25, m.tag & 0xff, m.tag >> 8, 0])); // an Rgetattr cut short
      else if (m.kind === 'Twalk') reply({ kind: 'Rlerror', tag: m.tag, ecode: 2 });
    });
    const c = await Client.connect(t);
    const fs = await c.attach('');
    await assert.rejects(async () => fs.root().stat(), { errno: 'EIO', message: /bad reply/ });
    await assert.rejects(async () => fs.root().walk('x'), { errno: 'ENOENT' });
    c.close();
  });
});

// ---- helpers

/** Waits until the client has no request in flight (the clunks sent without waiting are answered). */
async function settled(c: Client): Promise<void> {
  while (c.inFlight > 0) await new Promise(r => setTimeout(r, 0));
}

/** A transport to a fake server: `answer` sees each request and replies (or not). */
function scripted(answer: (m: Msg, reply: (r: Msg) => void, raw: (b: Uint8Array) => void) => void): Transport {
  let data: (b: Uint8Array) => void = () => {};
  let closed: () => void = () => {};
  let dialect: Dialect = '9P2000';
  const framer = new Framer(1 << 20);
  return {
    send(bytes) {
      framer.push(bytes, b => {
        const m = decode(b.slice(), dialect);
        if (!('kind' in m)) throw m;
        if (m.kind === 'Tversion' && m.version !== 'unknown') dialect = '9P2000';
        answer(m, r => {
          if (r.kind === 'Rversion' && r.version !== 'unknown') dialect = r.version as Dialect;
          const out = encode(r, r.kind === 'Rversion' ? '9P2000' : dialect);
          queueMicrotask(() => data(out));
        }, b2 => queueMicrotask(() => data(b2)));
      });
    },
    receive(d, c) { data = d; closed = c; },
    close() { queueMicrotask(() => closed()); },
  };
}

/** A file server with one file, `slow`, whose reads answer when `read` says. */
function slowFs(read: () => Promise<number>): FileServer {
  const dev = newDev();
  const now = 0n;
  const st = (type: 'dir' | 'file', ino: number): Stat => ({ type, dev, ino, mode: 0o644, nlink: 1, size: 10, atime: now, mtime: now, ctime: now });
  const file: File = fsFile({
    qid: { dev, path: 2, type: 'file' },
    stat: () => st('file', 2),
    open: () => handle({ seekable: true, read: () => read(), write: () => { throw fail('EBADF'); }, close() {} }),
  });
  const root: File = fsFile({
    qid: { dev, path: 1, type: 'dir' },
    stat: () => st('dir', 1),
    open: () => handle({ seekable: true, read: () => 0, write: () => 0, readdir: () => [{ name: 'slow', type: 'file' as const, ino: 2 }] }),
    walk: (name: string) => { if (name !== 'slow') throw fail('ENOENT'); return file; },
  });
  return { dev, name: 'slow', root: () => root };
}

// Remote trees in VMs: `goblin run --mount` and `mount` lines in --ns files, against
// a real diod and against `goblin export`; a VM waiting on the network suspends
// while others run, and a lost connection gives it EIO, never a hang; the
// conformance suite through Goblin's client against diod; `goblin 9p`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fail } from '../src/error.ts';
import { Kernel } from '../src/wasi/kernel.ts';
import type { File, FileServer, Stat } from '../src/fs/types.ts';
import { newDev } from '../src/fs/types.ts';
import { file as fsFile, handle } from '../src/fs/defaults.ts';
import { RamFs } from '../src/fs/ram.ts';
import { Client } from '../src/fs/remote/client.ts';
import { serverTransport } from '../src/exportfs/loop.ts';
import { Server } from '../src/exportfs/server.ts';
import { dialMounts, mount9p, mountLine } from '../src/node/dial.ts';
import { HostFs } from '../src/node/hostfs.ts';
import type { Chan } from '../src/ns/namespace.ts';
import { listen } from '../src/node/transport.ts';
import { cc } from './lib/cc.ts';
import { diodBin, freePort, startDiod, startExport, type Peer as Proc } from './lib/peers.ts';
import { fsSuite } from './lib/fs-suite.ts';
import { runVm } from './lib/kernel.ts';
import { goblin, goblinBin, node, run } from './lib/run.ts';

const noDiod = existsSync(diodBin) ? false : 'diod is not installed (apt-get install diod)';
const tmp = (what: string) => mkdtempSync(join(tmpdir(), `goblin-mount-${what}-`));

const gfs = () => cc('gfs');

// ---- against a real diod

describe('a directory diod exports, mounted into a VM', { skip: noDiod }, () => {
  let dir: string, diod: Proc;
  before(async () => {
    dir = tmp('diod');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from diod\n');
    diod = await startDiod(dir);
  });
  after(async () => {
    await diod?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a WASI program reads, writes, renames and deletes files there; the host disk shows it', async () => {
    const r = await run(['--mount', `${diod.addr}::/n/d::${dir}`], gfs(), [
      'cat', '/n/d/hello.txt',
      'write', '/n/d/new.txt', 'made in a VM',
      'mkdir', '/n/d/sub/deeper',
      'mv', '/n/d/new.txt', '/n/d/sub/deeper/moved.txt',
      'append', '/n/d/sub/deeper/moved.txt', ', and more',
      'write', '/n/d/doomed', 'x',
      'rm', '/n/d/doomed',
      'symlink', 'hello.txt', '/n/d/ln',
      'readlink', '/n/d/ln',
      'ls', '/n/d',
      'stat', '/n/d/sub/deeper/moved.txt',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'hello from diod\nhello.txt\nhello.txt ln sub\nfile 22 nlink=1\n');
    assert.equal(readFileSync(join(dir, 'sub', 'deeper', 'moved.txt'), 'utf8'), 'made in a VM, and more');
    assert.ok(!existsSync(join(dir, 'new.txt')));
    assert.ok(!existsSync(join(dir, 'doomed')));
    assert.deepEqual(readdirSync(dir).sort(), ['hello.txt', 'ln', 'sub']);
  });

  test('errors come back as the errno the server sent', async () => {
    const r = await run(['--mount', `${diod.addr}::/n/d::${dir}`], gfs(), ['cat', '/n/d/missing', 'rmdir', '/n/d/sub', 'rm', '/n/d/sub']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.equal(r.stdout, 'cat /n/d/missing: No such file or directory\nrmdir /n/d/sub: Directory not empty\nrm /n/d/sub: Is a directory\n');
  });

  test('a large file crosses intact (many reads in flight)', async () => {
    const big = new Uint8Array(3 << 20).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
    writeFileSync(join(dir, 'big.bin'), big);
    const r = await run(['--mount', `${diod.addr}::/n/d::${dir}`], gfs(), ['size', '/n/d/big.bin']);
    assert.equal(r.stdout, `${big.length}\n`, r.stderr);
    const c = await goblin(['9p', '-a', dir, 'cat', diod.addr, 'big.bin']);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(Buffer.from(c.out).equals(Buffer.from(big)));
    rmSync(join(dir, 'big.bin'));
  });

  test('goblin 9p ls, stat, cat and write against diod', async () => {
    const w = await goblin(['9p', '-a', dir, 'write', diod.addr, 'from-9p.txt'], { stdin: 'piped in\n' });
    assert.equal(w.code, 0, w.stderr);
    assert.equal(readFileSync(join(dir, 'from-9p.txt'), 'utf8'), 'piped in\n');
    const c = await goblin(['9p', '-a', dir, 'cat', diod.addr, '/from-9p.txt']);
    assert.equal(c.stdout, 'piped in\n');
    const l = await goblin(['9p', '-a', dir, 'ls', diod.addr]);
    assert.ok(l.stdout.split('\n').includes('from-9p.txt'), l.stdout);
    const s = await goblin(['9p', '-a', dir, 'stat', diod.addr, 'from-9p.txt']);
    assert.match(s.stdout, /^name from-9p\.txt\ntype file\nmode 0\d{3}\nsize 9\nnlink 1\n/);
    const ll = await goblin(['9p', '-a', dir, 'ls', '-l', diod.addr, 'from-9p.txt']);
    assert.match(ll.stdout, /^-rw.{7} +1 +9 \S+ from-9p\.txt\n$/);
    const e = await goblin(['9p', '-a', dir, 'cat', diod.addr, 'nope']);
    assert.equal(e.code, 1);
    assert.equal(e.stderr, 'goblin: 9p: cat nope: file does not exist\n');
    rmSync(join(dir, 'from-9p.txt'));
  });
});

// the conformance suite, with diod answering
if (noDiod) test('9p client against diod: the fs conformance suite', { skip: noDiod }, () => {});
else {
  const dir = tmp('suite');
  const diod = await startDiod(dir);
  const fs = await mount9p(diod.addr, { aname: dir });
  fsSuite('9p client against diod', () => fs);
  after(async () => {
    fs.close();
    await diod.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}

// ---- against goblin export

describe('goblin export mounted into a VM', () => {
  let dir: string, ex: Proc, unix: string;
  before(async () => {
    dir = tmp('export');
    writeFileSync(join(dir, 'f'), 'exported\n');
    unix = join(dir, 'sock');
    ex = await startExport(['--listen', 'tcp!127.0.0.1!0', '--listen', `unix!${unix}`, '--dir', `${dir}::/`]);
  });
  after(async () => {
    await ex?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--mount over tcp and over a unix socket, twice in one namespace', async () => {
    const r = await run(['--mount', `${ex.addr}::/n/a`, '--mount', `unix!${unix}::/n/b`], gfs(), [
      'cat', '/n/a/f', 'write', '/n/b/g', 'via unix', 'cat', '/n/a/g', 'mv', '/n/a/g', '/n/a/h', 'ls', '/n/a',
      'mv', '/n/a/h', '/n/b/i', // two connections are two devices
    ]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, 'exported\nvia unixf h sock\nmv /n/a/h: Cross-device link\n');
    assert.equal(readFileSync(join(dir, 'h'), 'utf8'), 'via unix');
  });

  test('mount lines in an --ns file, with an aname; the namespace text shows them', async () => {
    const nsFile = join(dir, 'ns');
    writeFileSync(nsFile, `mount -c '${ex.addr}' /n/remote\n`);
    const r = await run(['--ns', nsFile], gfs(), ['cat', '/n/remote/f', 'cat', '/proc/1/ns']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^exported\\n[^]*mount -c '${ex.addr}' /n/remote\\n$`));
    const c = await run(['--mount', `${ex.addr}::/n/ctl::ctl`], gfs(), ['cat', '/n/ctl/version']);
    assert.equal(c.stdout, 'goblin\n', c.stderr);
  });

  test('goblin 9p ls, stat, cat and write against goblin export', async () => {
    const w = await goblin(['9p', 'write', ex.addr, 'w.txt'], { stdin: 'written\n' });
    assert.equal(w.code, 0, w.stderr);
    assert.equal(readFileSync(join(dir, 'w.txt'), 'utf8'), 'written\n');
    assert.equal((await goblin(['9p', 'cat', ex.addr, 'w.txt'])).stdout, 'written\n');
    assert.equal((await goblin(['9p', 'ls', ex.addr, '/'])).stdout, 'f\nh\nns\nsock\nw.txt\n');
    for (const dialect of ['9P2000', '9P2000.u', '9P2000.L']) {
      const s = await goblin(['9p', '--dialect', dialect, 'stat', ex.addr, 'f']);
      assert.match(s.stdout, /^name f\ntype file\nmode 0644\nsize 9\n/, `${dialect}: ${s.stderr}`);
      const c = await goblin(['9p', '--dialect', dialect, 'cat', `unix!${unix}`, 'f']);
      assert.equal(c.stdout, 'exported\n', dialect);
    }
    const a = await goblin(['9p', '-a', 'ctl', 'cat', ex.addr, 'version']);
    assert.equal(a.stdout, 'goblin\n');
  });

  test('a server that is not there, and bad flags, are one line each', async () => {
    const port = await freePort();
    const r = await run(['--mount', `tcp!127.0.0.1!${port}::/n/x`], gfs(), ['ls', '/n/x']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `goblin: mount tcp!127.0.0.1!${port}: connection refused\n`);
    const b = await run(['--mount', 'tcp!127.0.0.1!1'], gfs(), []);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /^goblin: --mount tcp!127\.0\.0\.1!1: expected ADDR::GUEST\[::ANAME\]/);
    const n = await goblin(['9p', 'ls', `tcp!127.0.0.1!${port}`]);
    assert.equal(n.code, 1);
    assert.equal(n.stderr, `goblin: 9p: tcp!127.0.0.1!${port}: connection refused\n`);
    const u = await goblin(['9p', 'frob', ex.addr]);
    assert.equal(u.code, 2);
  });
});

test('mountLine: --mount specs as namespace lines', () => {
  assert.equal(mountLine('tcp!h!564::/n/h'), "mount -c 'tcp!h!564' /n/h");
  assert.equal(mountLine('unix!/tmp/s::n/s::/export/dir'), "mount -c 'unix!/tmp/s' /n/s /export/dir");
  assert.throws(() => mountLine('tcp!h!564'), /expected ADDR::GUEST/);
});

// ---- waiting and losing the connection (a server in this process, so the test knows when the VM waits)

/** One file, `slow`, whose reads wait until the test lets them go (or forever). */
function slowFs(onRead: () => void): FileServer {
  const dev = newDev();
  const st = (type: 'dir' | 'file', ino: number): Stat => ({ type, dev, ino, mode: 0o644, nlink: 1, size: 5, atime: 0n, mtime: 0n, ctime: 0n });
  const file: File = fsFile({
    qid: { dev, path: 2, type: 'file' },
    stat: () => st('file', 2),
    open: () => handle({ seekable: true, read: () => { onRead(); return new Promise<number>(() => {}); }, write: () => { throw fail('EBADF'); }, close() {} }),
  });
  const root: File = fsFile({
    qid: { dev, path: 1, type: 'dir' },
    stat: () => st('dir', 1),
    open: () => handle({ seekable: true, read: () => 0, write: () => 0, readdir: () => [{ name: 'slow', type: 'file' as const, ino: 2 }] }),
    walk: (name: string) => { if (name !== 'slow') throw fail('ENOENT'); return file; },
  });
  return { dev, name: 'slow', root: () => root };
}

describe('a VM waiting on a remote server', () => {
  test('suspends while other VMs run, and gets EIO when the connection is lost', async () => {
    let reading!: () => void;
    const waiting = new Promise<void>(r => { reading = r; });
    const ram = new RamFs();
    const server = new Server({ exports: { '': slowFs(() => reading()), ram } });
    const client = await Client.connect(serverTransport(server));
    const slow = await client.attach('');
    const fast = await client.attach('ram');
    const kernel = new Kernel({
      hostDir: (p, ro) => new HostFs(p, ro),
      dial: (addr, aname) => { const root = (aname === 'ram' ? fast : slow).root(); return { file: root, union: null, on: root }; },
    });
    const stuck = runVm(kernel, 'gfs', ['cat', '/n/slow/slow', 'write', '/n/slow/after', 'x'], { ns: 'mount x /n/slow' });
    await waiting; // the first VM is suspended in a remote read
    const other = await runVm(kernel, 'gfs', ['write', '/n/r/f', 'meanwhile', 'cat', '/n/r/f'], { ns: 'mount -c x /n/r ram' });
    assert.equal(other.stdout, 'meanwhile');
    assert.equal(other.code, 0);
    [...server.sessions][0]!.close(); // the server hangs up
    const r = await stuck;
    assert.equal(r.stdout, 'cat /n/slow/slow: I/O error\nwrite /n/slow/after: I/O error\n');
    assert.equal(r.code, 2);
  });

  test('goblin run: the server going away mid-read gives the VM EIO, not a hang', async () => {
    let reading!: () => void;
    const waiting = new Promise<void>(r => { reading = r; });
    const server = new Server({ exports: { '': slowFs(() => reading()) } });
    const l = await listen(server, 'tcp!127.0.0.1!0');
    const done = run(['--mount', `${l.addr}::/n/s`], gfs(), ['cat', '/n/s/slow', 'ls', '/n/s']);
    await waiting;
    await l.close(); // destroys every connection
    server.close();
    const r = await done;
    assert.equal(r.stdout, 'cat /n/s/slow: I/O error\nls /n/s: I/O error\n', r.stderr);
    assert.equal(r.code, 2);
  });

  test('dialMounts connects each address and aname once, and refuses one it did not dial', async () => {
    const server = new Server({ exports: { '': new RamFs() } });
    const l = await listen(server, 'tcp!127.0.0.1!0');
    try {
      const m = await dialMounts(`mount '${l.addr}' /n/a\nmount -c '${l.addr}' /n/b\nmount '${l.addr}' /n/c ctl\nbind '#t' /x\n`);
      assert.deepEqual([...m.trees.keys()].sort(), [`${l.addr} `, `${l.addr} ctl`]);
      assert.throws(() => m.dial('tcp!elsewhere!1', ''), /not dialed/);
      assert.equal((m.dial(l.addr, '') as Chan).file, m.trees.get(`${l.addr} `)!.root());
      m.close();
    } finally {
      await l.close();
    }
  });
});

test('an export re-exports what it mounts; the shell mounts at run time', async () => {
  const dir = tmp('reexport');
  writeFileSync(join(dir, 'f'), 'exported\n');
  const base = await startExport(['--listen', 'tcp!127.0.0.1!0', '--dir', `${dir}::/`]);
  const again = await startExport(['--listen', 'tcp!127.0.0.1!0', '--mount', `${base.addr}::/r`]);
  try {
    const r = await goblin(['9p', 'cat', again.addr, '/r/f']);
    assert.equal(r.stdout, 'exported\n', r.stderr);
    const sh = await goblin(['sh', '-c', `mount -c '${base.addr}' /n; cat /n/f; echo made > /n/by-shell; ls /n`]);
    assert.equal(sh.stdout, 'exported\n/n/by-shell\n/n/f\n', sh.stderr);
    assert.equal(readFileSync(join(dir, 'by-shell'), 'utf8'), 'made\n');
  } finally {
    await again.stop();
    await base.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

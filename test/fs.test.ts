// Every file server passes the same suite; the synthetic ones are checked through a VM.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RamFs } from '../src/fs/ram.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { fsSuite, readOnlySuite } from './lib/fs-suite.ts';
import { newKernel, runVm } from './lib/kernel.ts';
import { collect } from '../src/kernel/stdio.ts';
import { source } from '../src/kernel/stdio.ts';
import { fail } from '../src/error.ts';
import { file, handle } from '../src/fs/defaults.ts';
import { newDev } from '../src/fs/types.ts';
import { Kernel } from '../src/wasi/kernel.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'goblin-fs-'));

fsSuite('ram', () => new RamFs());
fsSuite('host', () => new HostFs(tmp()));
readOnlySuite('host:ro', () => { const d = tmp(); writeFileSync(join(d, 'f'), 'x'); return new HostFs(d, true); }, 'f');
readOnlySuite('ram:ro', () => { const r = new RamFs(); r.unlocked(() => { const f = r.root().create('f', 'file', 0o644, true) as never as { open(o: object): { write(b: Uint8Array, o: number): void } }; f.open({ read: false, write: true }).write(new Uint8Array([1]), 0); }); r.readonly = true; return r; }, 'f');

test('/dev: null, zero, random, cons', async () => {
  const k = newKernel();
  const r = await runVm(k, 'gfs', ['write', '/dev/null', 'gone', 'cat', '/dev/null', 'size', '/dev/zero', 'write', '/dev/cons', 'to the console\n', 'cat', '/dev/cons', 'stat', '/dev/null'], { stdin: source('from the keyboard\n') });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, '0\nto the console\nfrom the keyboard\nchar 0 nlink=1\n');
  const z = await runVm(k, 'k_devread', []);
  assert.equal(z.stdout, 'zero 0000000000000000\nrandom differs yes\n');
});

test('/env: the environment as files, writable', async () => {
  const k = newKernel();
  const r = await runVm(k, 'gfs', ['ls', '/env', 'cat', '/env/USER', 'write', '/env/NEW', 'made', 'cat', '/env/NEW', 'rm', '/env/USER', 'ls', '/env'], { env: { USER: 'glenda', HOME: '/usr/glenda' } });
  assert.equal(r.stdout, 'HOME USER\nglendamadeHOME NEW\n');
});

test('/tmp is a private writable tree per VM', async () => {
  const k = newKernel();
  const a = await runVm(k, 'gfs', ['write', '/tmp/x', 'mine', 'cat', '/tmp/x']);
  const b = await runVm(k, 'gfs', ['exists', '/tmp/x']);
  assert.equal(a.stdout, 'mine');
  assert.equal(b.stdout, 'no\n');
});

test('the root skeleton is read-only', async () => {
  const r = await runVm(newKernel(), 'gfs', ['mkdir', '/x', 'write', '/y', 'z', 'rmdir', '/dev']);
  assert.match(r.stdout, /^mkdir \/x: Read-only file system\nwrite \/y: Read-only file system\nrmdir \/dev: /);
});

test('stdout collected through the library is exact', async () => {
  const out = collect();
  const vm = newKernel().spawn({ module: (await import('./lib/kernel.ts')).program('gfs'), args: ['gfs', 'cat', '/env/A'], env: { A: 'x'.repeat(100000) }, stdout: out });
  assert.equal((await vm.exit).code, 0);
  assert.equal(out.text().length, 100000);
});

test('a file server with only stat and open: every other operation is an errno, never a trap', async () => {
  // two servers of one file each: a directory, and a symlink; neither has walk, readdir, readlink, create, ...
  const minimal = (type: 'dir' | 'symlink') => {
    const dev = newDev();
    const root = file({
      qid: { dev, path: 1, type },
      stat: () => ({ type, dev, ino: 1, mode: 0o755, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n }),
      open: () => handle({ seekable: true, read: () => 0, write: () => { throw fail('EBADF'); } }),
    });
    return { dev, name: `min-${type}`, synchronous: true, root: () => root };
  };
  const dir = minimal('dir'), link = minimal('symlink');
  const k = new Kernel({ device: s => (s === '#min' ? dir : s === '#minlink' ? link : undefined) });
  const r = await runVm(k, 'gfs', [
    'ls', '/n', 'mkdir', '/n/d', 'write', '/n/f', 'x', 'cat', '/n/f', 'symlink', 't', '/n/s', 'rm', '/n/f',
    'readlink', '/n', 'readlink', '/l', 'cat', '/l', 'stat', '/l',
  ], { ns: "bind -c '#min' /n\nbind '#minlink' /l" });
  assert.equal(r.reason, 'exit', r.message ?? '');
  assert.equal(r.stdout, [
    'ls /n: Not a directory',
    'mkdir /n/d: Operation not permitted',
    'write /n/f: Operation not permitted',
    'cat /n/f: No such file or directory',
    'symlink /n/s: Operation not permitted',
    'rm /n/f: No such file or directory',
    'readlink /n: Invalid argument',
    'readlink /l: Invalid argument',
    'cat /l: Invalid argument',
    'symlink 0 nlink=1',
  ].join('\n') + '\n');
  assert.equal(r.code, 9);
});

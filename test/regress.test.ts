// Regressions found in review: reads and writes that were started but not waited for,
// poll spinning on an impossible event, memory reused while a read was in flight.
import assert from 'node:assert/strict';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect, source } from '../src/kernel/stdio.ts';
import type { Vm } from '../src/kernel/vm.ts';
import { cc } from './lib/cc.ts';
import { newKernel, program, runVm } from './lib/kernel.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { RamFs } from '../src/fs/ram.ts';
import { exec, goblinBin, node } from './lib/run.ts';

const enc = new TextEncoder();

/** Polls ok() once an event-loop turn (no timers involved); fails once `ms` have passed. */
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) assert.fail(`still waiting for ${what} after ${ms} ms`);
    await new Promise(r => setImmediate(r));
  }
}

/** Resolves once the VM is suspended waiting. */
const waiting = (vm: Vm): Promise<void> => until(`VM ${vm.pid} to wait`, () => vm.state === 'waiting');

test('readv over a pipe loses nothing', async () => {
  const k = newKernel();
  const p = k.pipe(), w = p.writer(), out = collect();
  const vm = k.spawn({ module: program('r_readv'), stdin: p.reader(), stdout: out });
  w.write(enc.encode('hello'), 0);
  await waiting(vm);
  w.write(enc.encode('world'), 0);
  w.close();
  assert.equal((await vm.exit).code, 0);
  assert.equal(out.text(), "readv 5 'hello' read 5 'world'\n");
});

test('a megabyte through stdin from a file arrives whole (fread of 64 KiB)', async () => {
  const f = join(mkdtempSync(join(tmpdir(), 'goblin-regress-')), 'in');
  writeFileSync(f, new Uint8Array(1_000_000).fill(7));
  const r = await exec("/bin/sh", ["-c", `"${node}" "${goblinBin}" run "${cc("r_count")}" < "${f}"`]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '1000000\n', '']);
});

test('non-blocking writes: what the writer was told is what the reader gets', async () => {
  const k = newKernel();
  const p = k.pipe(), r = p.reader(), err = collect();
  const vm = k.spawn({ module: program('r_nbwrite'), stdout: p.writer(), stderr: err });
  assert.equal((await vm.exit).code, 0);
  const m = /^errno 6\nwrote (\d+)\n$/.exec(err.text()); // EAGAIN once the pipe is full
  assert.ok(m, err.text());
  const wrote = Number(m[1]);
  assert.ok(wrote > 0, 'something was written before the pipe filled');
  // each read that is not the end returns at least one byte: wrote + 1 reads suffice
  let got = 0, last = -1;
  const b = new Uint8Array(1 << 20);
  for (let i = 0; i <= wrote && last !== 0; i++) got += last = await r.read(b, 0);
  assert.equal(last, 0, 'the reader saw the end once the writer exited');
  assert.equal(got, wrote);
});

test('poll for an event that cannot come does not spin: the VM still meets its timeout', async () => {
  const k = newKernel();
  const p = k.pipe(), keep = p.reader();
  let ticks = 0;
  const tick = setInterval(() => ticks++, 1);
  const vm = k.spawn({ module: program('r_pollwrong'), stdout: p.writer(), limits: { timeout: 300 } });
  const st = await vm.exit;
  clearInterval(tick);
  keep.close();
  assert.equal(st.reason, 'timeout');
  assert.ok(ticks > 0, 'timers ran while the VM waited');
});

test("a VM's memory is not reused while a read into it may still land", async () => {
  const k = newKernel();
  const p1 = k.pipe(), w1 = p1.writer(), keep = p1.reader();
  const a = k.spawn({ module: program('r_readv'), stdin: p1.reader(), limits: { timeout: 10_000 } });
  w1.write(enc.encode('12345'), 0);
  await waiting(a);
  a.kill();
  await a.exit; // killed while its second read waits on the pipe
  const p2 = k.pipe(), w2 = p2.writer(), out = collect();
  const b = k.spawn({ module: program('r_snoop'), stdin: p2.reader(), stdout: out });
  await waiting(b);
  w1.write(enc.encode("SECRET from A's pipe"), 0);
  w2.write(enc.encode('SECRET'), 0);
  await b.exit;
  keep.close();
  assert.equal(out.text(), 'clean\n');
});

const tree = () => mkdtempSync(join(tmpdir(), 'goblin-regress-'));

test('overlapping binds of one host tree: a rename through one does not open the other', async () => {
  const top = tree();
  mkdirSync(join(top, 'd', 'sub'), { recursive: true });
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'd', 'sub', 'secret'), 'inside\n');
  writeFileSync(join(top, 'd', 'outside'), '');
  writeFileSync(join(top, 'outside', 'secret'), 'HOST SECRET\n');
  const r = await runVm(newKernel(), 'r_overlap', [], { ns: `bind -c '#U${top}/d' /a\nbind -c '#U${top}/d/sub' /b` });
  assert.ok(!r.stdout.includes('HOST SECRET'), r.stdout);
  // the guest ran its attempt: the rename went through; the symlink leading out of
  // the grant is refused (a host process planting one is escape-race.test.ts's case),
  // and /b, whose base is gone, refuses the open
  assert.deepEqual([r.reason, r.code, r.stderr, r.stdout], ['exit', 0, 'symlink: Operation not permitted\n', 'open /b/secret: refused\n']);
  assert.equal(readFileSync(join(top, 'd', 'sub2', 'secret'), 'utf8'), 'inside\n');
  assert.equal(lstatSync(join(top, 'd', 'sub'), { throwIfNoEntry: false }), undefined);
});

test('a symlink mode never changes the file it points to', async () => {
  const top = tree();
  writeFileSync(join(top, 'target'), 'x', { mode: 0o600 });
  symlinkSync(join(top, 'target'), join(top, 'ln'));
  const fs = new HostFs(top);
  const ln = fs.root().walk('ln') as import('../src/fs/types.ts').File;
  assert.throws(() => ln.wstat({ mode: 0o666 }), (e: { errno?: string }) => e.errno === 'ENOTSUP');
  assert.equal(statSync(join(top, 'target')).mode & 0o777, 0o600);
});

test('rights a directory does not pass on are not had; a renumbered root still works', async () => {
  const k = newKernel();
  assert.equal((await runVm(k, 'r_rights')).stdout, 'open 0 write 76\n');
  assert.equal((await runVm(k, 'r_renumber', [], { stdin: source('') })).stdout, 'renumber 0 path_open 0\n');
});

test('a VM holds at most 1024 descriptors', async () => {
  assert.match((await runVm(newKernel(), 'r_fds')).stdout, /^opened 102[0-4] then EMFILE\n$/);
});

test('/tmp has a quota (ENOSPC) and files a largest size (EFBIG)', () => {
  const ram = new RamFs({ quota: 1000 });
  const f = ram.root().create('f', 'file', 0o644, true) as import('../src/fs/types.ts').File;
  const h = f.open({ read: false, write: true }) as import('../src/fs/types.ts').Handle;
  h.write(new Uint8Array(600), 0);
  assert.throws(() => h.write(new Uint8Array(600), 600), (e: { errno?: string }) => e.errno === 'ENOSPC');
  assert.throws(() => h.write(new Uint8Array(1), 2 ** 41), (e: { errno?: string }) => e.errno === 'EFBIG');
  ram.root().remove('f', 'file');
  assert.equal(ram.used, 0);
});

test('/tmp: what is written to a file after its last name is gone is given back at close', () => {
  // open, unlink, write, close, three times over: the quota must not fill with files nobody can see
  const ram = new RamFs({ quota: 1000 });
  for (let i = 0; i < 3; i++) {
    const f = ram.root().create!('f', 'file', 0o644, true) as import('../src/fs/types.ts').File;
    const h = f.open({ read: true, write: true }) as import('../src/fs/types.ts').Handle;
    ram.root().remove!('f', 'file');
    assert.equal(h.write(new Uint8Array(400), 0), 400);
    assert.equal(ram.used, 400, 'counted while the handle is open');
    h.close();
    assert.equal(ram.used, 0, `round ${i}: given back at close`);
  }
});

test('goblin.spawn: children share the parent fuel, and die with the parent', async () => {
  const dir = tree();
  copyFileSync(cc('r_spawn'), join(dir, 'prog'));
  const k = newKernel();
  const fuel = await runVm(k, 'r_spawn', [], { ns: `bind '#U${dir}' /w`, limits: { fuel: 40_000_000 } });
  assert.equal(fuel.reason, 'fuel', fuel.stdout);
  assert.match(fuel.stdout, /child 0 exited 7\n/);
  const p = k.pipe(), keep = p.writer(), out = collect();
  const parent = k.spawn({ module: program('r_spawn'), args: ['r_spawn', 'parent-wait'], ns: `bind '#U${dir}' /w`, stdin: p.reader(), stdout: out });
  const child = () => [...k.procs.values()].find(v => v.name === 'prog');
  await until('the child to wait on stdin', () => child()?.state === 'waiting');
  const c = child()!;
  parent.kill();
  assert.equal((await parent.exit).reason, 'killed');
  assert.equal((await c.exit).reason, 'killed');
  await until('every VM to be gone', () => k.procs.size === 0);
  keep.close();
  assert.equal(out.text(), '', 'the child never woke and the parent never saw it exit');
});

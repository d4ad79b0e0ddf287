// The kernel: many VMs on one thread, pipes with backpressure, limits, determinism, /proc.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from '../src/kernel/stdio.ts';
import { EXIT_CODES } from '../src/kernel/vm.ts';
import { newKernel, program, runVm } from './lib/kernel.ts';

test('spawn returns a handle whose exit gives the status and output', async () => {
  const k = newKernel();
  const r = await runVm(k, 'k_trap', ['exit', '42'], { trapUnknownImports: true });
  assert.equal(r.code, 42);
  assert.equal(r.reason, 'exit');
  const ok = await runVm(k, 'k_trap', [], { trapUnknownImports: true });
  assert.equal(ok.stdout, 'fine\n');
  assert.equal(ok.code, 0);
});

test('10 MiB through a pipe to a slow reader, with backpressure', async () => {
  const k = newKernel();
  const p = k.pipe();
  const size = 10 * 1024 * 1024;
  const out = collect();
  const writer = k.spawn({ module: program('k_writer'), args: ['w', String(size)], stdout: p.writer() });
  const reader = k.spawn({ module: program('k_reader'), args: ['r', '50', '65536'], stdin: p.reader(), stdout: out });
  const [w, r] = await Promise.all([writer.exit, reader.exit]);
  assert.deepEqual([w.code, r.code], [0, 0]);
  assert.equal(out.text(), `read ${size} bytes ok\n`);
});

test('an endless writer ends on EPIPE once its reader is gone', async () => {
  const k = newKernel();
  const p = k.pipe();
  const err = collect(), out = collect();
  const writer = k.spawn({ module: program('k_writer'), args: ['w', 'forever'], stdout: p.writer(), stderr: err });
  const head = k.spawn({ module: program('k_head'), args: ['h', '100000'], stdin: p.reader(), stdout: out });
  const [w, h] = await Promise.all([writer.exit, head.exit]);
  assert.equal(h.code, 0);
  assert.equal(out.text(), 'head got 100000\n');
  assert.equal(w.code, 3);
  assert.match(err.text(), /^EPIPE after \d+ bytes\n$/);
});

test('an endless loop does not block a VM beside it, and ends at its timeout', async () => {
  const k = newKernel();
  const spinner = k.spawn({ module: program('k_spin'), limits: { timeout: 2000 } });
  const worker = await runVm(k, 'k_work', ['100000']);
  assert.equal(worker.code, 0);
  assert.match(worker.stdout, /^\d+\n$/);
  const s = await spinner.exit;
  assert.equal(s.reason, 'timeout');
  assert.equal(s.code, EXIT_CODES.timeout);
});

test('fuel: instruction-counted, deterministic, traps with "fuel exhausted"', async () => {
  const k = newKernel();
  const r = await runVm(k, 'k_spin', [], { limits: { fuel: 2_000_000 } });
  assert.equal(r.reason, 'fuel');
  assert.equal(r.message, 'fuel exhausted');
  assert.equal(r.code, EXIT_CODES.fuel);
  // the same program with the same fuel stops at the same point: a bounded run finishes
  // exactly when given its own count, and not one unit less
  const used = async (fuel: number) => (await runVm(k, 'k_work', ['20000'], { limits: { fuel } })).reason;
  let lo = 0, hi = 10_000_000;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if ((await used(mid)) === 'exit') hi = mid; else lo = mid; }
  assert.equal(await used(hi), 'exit');
  assert.equal(await used(hi - 1), 'fuel');
  assert.equal(await used(hi), 'exit');
});

test('--max-memory: growth beyond the limit fails inside the guest', async () => {
  const k = newKernel();
  const r = await runVm(k, 'k_alloc', [], { limits: { maxMemory: 8 << 20 } });
  assert.equal(r.code, 7);
  assert.match(r.stdout, /^malloc failed after [0-7] MiB\n$/);
  const big = await runVm(k, 'k_alloc', [], { limits: { maxMemory: 64 << 20 } });
  assert.match(big.stdout, /^malloc failed after (5[0-9]|6[0-3]) MiB\n$/);
});

test('traps, stack overflow and unknown imports end with one clear status', async () => {
  const k = newKernel();
  const trap = await runVm(k, 'k_trap', ['trap'], { trapUnknownImports: true });
  assert.deepEqual([trap.reason, trap.code], ['trap', EXIT_CODES.trap]);
  assert.match(trap.message!, /^wasm trap: unreachable/);
  const stack = await runVm(k, 'k_trap', ['stack'], { trapUnknownImports: true });
  assert.equal(stack.reason, 'trap');
  // the guest's shadow stack runs out first (a trap), or the engine's own stack
  assert.match(stack.message!, /^wasm trap: (memory access out of bounds|call stack exhausted)$/);
  const link = await runVm(k, 'k_trap', []);
  assert.deepEqual([link.reason, link.code], ['link', EXIT_CODES.link]);
  assert.match(link.message!, /unknown import: env::missing/);
  const called = await runVm(k, 'k_trap', ['import'], { trapUnknownImports: true });
  assert.equal(called.reason, 'trap');
  assert.match(called.message!, /unknown import env::missing was called/);
  const bad = await new Promise(r => r(k.spawn({ module: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) }).exit));
  assert.equal((bad as { reason: string }).reason, 'link');
});

test('deterministic runs print byte-identical output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-det-'));
  for (const f of ['zeta', 'alpha', 'mid', 'beta']) writeFileSync(join(dir, f), f);
  const once = async (seed: number) => (await runVm(newKernel(), 'k_det', [], { deterministic: true, seed, ns: `bind '#U${dir}' /data` })).stdout;
  const a = await once(7), b = await once(7), c = await once(8);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.match(a, /^real \d+\.\d{9} mono \d+\.\d{9} slept 1\nrandom( [0-9a-f]{2}){8}\nrand\(\) -?\d+\nlisting \. \.\. alpha beta mid zeta\n$/);
});

test('/proc/N/ctl kill ends that VM; /proc/N/ns prints its namespace', async () => {
  const k = newKernel();
  const group = k.group();
  const spinner = k.spawn({ module: program('k_spin'), ns: 'bind -b /tmp /dev\n', limits: { timeout: 20_000 }, group });
  await new Promise(r => setImmediate(r));
  const pid = spinner.pid;
  const r = await runVm(k, 'gfs', ['cat', `/proc/${pid}/ns`, 'cat', `/proc/${pid}/status`, 'write', `/proc/${pid}/ctl`, 'kill'], { group });
  assert.equal(r.code, 0, r.stdout);
  // the whole output: the namespace (its text has no regex metacharacters), then the status
  // line, named 'wasm' as it was spawned without args, and running only until its first yield
  const ns = "bind '#c' /dev\nbind -c '#e' /env\nbind '#p' /proc\nbind -c '#t' /tmp\nbind -b /tmp /dev\n";
  assert.match(r.stdout, new RegExp(`^${ns}wasm ${pid} (running|waiting)\n$`));
  const s = await spinner.exit;
  assert.deepEqual([s.reason, s.code], ['killed', EXIT_CODES.killed]);
  const bad = await runVm(k, 'gfs', ['write', `/proc/${pid}/ctl`, 'kill'], { group });
  assert.equal(bad.stdout, `write /proc/${pid}/ctl: No such file or directory\n`);
  assert.equal(bad.code, 1, 'one failed op');
});

test('a VM waiting on a slow file server suspends while another runs to its end', async () => {
  const { RamFs } = await import('../src/fs/ram.ts');
  const { Kernel } = await import('../src/wasi/kernel.ts');
  const { HostFs } = await import('../src/node/hostfs.ts');
  // a server whose every walk waits until we let it go
  let release!: () => void;
  const gate = new Promise<void>(r => { release = r; });
  const ram = new RamFs();
  const f = ram.root().create('f', 'file', 0o644, true) as import('../src/fs/types.ts').File;
  (f.open({ read: false, write: true }) as import('../src/fs/types.ts').Handle).write(new TextEncoder().encode('slow data'), 0);
  const slowRoot = ram.root();
  const { file } = await import('../src/fs/defaults.ts');
  const slow = { dev: ram.dev, name: 'slow', root: () => file({ qid: slowRoot.qid, stat: () => slowRoot.stat(), open: (o: never) => slowRoot.open(o),
    walk: (n: string) => gate.then(() => slowRoot.walk(n)) }) };
  const k = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro), device: s => (s === '#slow' ? slow : undefined) });
  const out = collect();
  const waiting = k.spawn({ module: program('gfs'), args: ['gfs', 'cat', '/n/f'], ns: "bind '#slow' /n", stdout: out });
  let waitingDone = false;
  waiting.exit.then(() => { waitingDone = true; });
  const other = await runVm(k, 'k_work', ['1000']);
  assert.equal(other.code, 0);
  assert.equal(waitingDone, false, 'the waiting VM is still waiting');
  release();
  assert.equal((await waiting.exit).code, 0);
  assert.equal(out.text(), 'slow data');
});

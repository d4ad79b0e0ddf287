// Regressions found in review: reads and writes that were started but not waited for,
// poll spinning on an impossible event, memory reused while a read was in flight.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from '../src/kernel/stdio.ts';
import type { Vm } from '../src/kernel/vm.ts';
import { cc } from './lib/cc.ts';
import { newKernel, program } from './lib/kernel.ts';
import { exec, goblinBin, node } from './lib/run.ts';

const enc = new TextEncoder();
/** Resolves once the VM is suspended waiting (no timers involved). */
async function waiting(vm: Vm): Promise<void> {
  while (vm.state !== 'waiting') await new Promise(r => setImmediate(r));
}

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
  assert.match(r.stdout, /1000000\n$/);
});

test('non-blocking writes: what the writer was told is what the reader gets', async () => {
  const k = newKernel();
  const p = k.pipe(), r = p.reader(), err = collect();
  const vm = k.spawn({ module: program('r_nbwrite'), stdout: p.writer(), stderr: err });
  await vm.exit;
  const wrote = Number(/wrote (\d+)/.exec(err.text())![1]);
  let got = 0;
  const b = new Uint8Array(1 << 20);
  for (;;) { const n = await r.read(b, 0); if (!n) break; got += n; }
  assert.equal(got, wrote);
  assert.match(err.text(), /errno 6\n/); // EAGAIN once the pipe is full
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

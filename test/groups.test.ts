// Process groups and trees of VMs: a VM sees and signals only its own group in
// /proc, sees no host paths there, and goblin.spawn trees are held to the limits
// of their first VM however they grow.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { collect } from '../src/kernel/stdio.ts';
import { EXIT_CODES } from '../src/kernel/vm.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { Kernel } from '../src/wasi/kernel.ts';
import { cc } from './lib/cc.ts';
import { newKernel, program, runVm } from './lib/kernel.ts';
import { run } from './lib/run.ts';

const work = mkdtempSync(join(tmpdir(), 'goblin-groups-'));
after(() => rmSync(work, { recursive: true, force: true }));
copyFileSync(cc('bomb'), join(work, 'bomb.wasm'));
const grant = ['--dir', `${work}::/w`];

test('a VM sees and signals only the VMs of its own group', async () => {
  const k = newKernel();
  const mine = k.group(), theirs = k.group();
  const other = k.spawn({ module: program('k_spin'), limits: { timeout: 20_000 }, group: theirs });
  const sibling = k.spawn({ module: program('k_spin'), limits: { timeout: 20_000 }, group: mine });
  await new Promise(r => setImmediate(r));
  const r = await runVm(k, 'gfs', ['ls', '/proc', 'write', `/proc/${other.pid}/ctl`, 'kill'], { group: mine });
  const listed = r.stdout.split('\n')[0]!.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
  assert.ok(listed.includes(sibling.pid), r.stdout);
  assert.ok(!listed.includes(other.pid), `another group's VM is listed: ${r.stdout}`);
  assert.match(r.stdout, new RegExp(`write /proc/${other.pid}/ctl: No such file or directory\\n$`));
  // the other group's VM still runs; a default spawn is a group of its own
  const alone = await runVm(k, 'gfs', ['ls', '/proc']);
  assert.ok(!alone.stdout.includes(String(sibling.pid)) && !alone.stdout.includes(String(other.pid)), alone.stdout);
  other.kill(); sibling.kill();
  assert.equal((await other.exit).reason, 'killed');
});

test('a process that is not a VM is shown in its group\'s /proc until a VM takes its pid', async () => {
  const k = newKernel();
  const group = k.group();
  const pid = k.newPid();
  const kills: number[] = [];
  const gone = k.register({ pid, group, name: 'rc', state: () => 'running', ns: () => assert.fail('not read'), kill: () => kills.push(pid) });
  const shown = () => [...k.procInfo(group)].map(p => p.status());
  assert.deepEqual(shown(), [`rc ${pid} running\n`]);
  assert.deepEqual([...k.procInfo(k.group())], [], 'another group does not see it');
  [...k.procInfo(group)][0]!.kill('killed');
  assert.deepEqual(kills, [pid]);
  // exec: a VM spawned with the pid is shown instead while it runs
  const vm = k.spawn({ module: program('k_spin'), limits: { timeout: 20_000 }, group, pid, name: 'spin' });
  assert.equal(vm.pid, pid);
  assert.deepEqual(shown(), [`spin ${pid} running\n`]);
  assert.throws(() => k.spawn({ module: program('k_spin'), group, pid }), /not one newPid\(\) gave and no VM holds/);
  assert.throws(() => k.spawn({ module: program('k_spin'), pid: pid + 1000 }), /not one newPid/);
  vm.kill();
  await vm.exit;
  assert.deepEqual(shown(), [`rc ${pid} running\n`]);
  gone();
  assert.deepEqual(shown(), []);
});

test('/proc/N/ns names host directories by where they were granted, unless the host shows paths', async () => {
  const ns = `bind -c '#U${work}' /data\nbind '#U:ro${work}' /ro\n`;
  for (const [show, want] of [[false, `bind -c '#U</data>' /data\nbind '#U:ro</data>' /ro\n`], [true, `bind -c '#U${work}' /data\nbind '#U:ro${work}' /ro\n`]] as const) {
    const k = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro), showHostPaths: show });
    const group = k.group();
    const held = k.spawn({ module: program('k_spin'), ns, limits: { timeout: 20_000 }, group });
    await new Promise(r => setImmediate(r));
    const r = await runVm(k, 'gfs', ['cat', `/proc/${held.pid}/ns`], { group });
    assert.ok(r.stdout.endsWith(want), r.stdout);
    if (!show) assert.ok(!r.stdout.includes(work), r.stdout);
    held.kill();
    await held.exit;
  }
});

test('a spawn bomb ends with its first VM\'s timeout, and the host stays up', async () => {
  const r = await run(['--timeout', '2s', ...grant], join(work, 'bomb.wasm'), ['forever', '/w/bomb.wasm'], { timeoutMs: 60_000 });
  assert.equal(r.code, EXIT_CODES.timeout);
  assert.equal(r.stderr, `goblin: ${join(work, 'bomb.wasm')}: timed out after 2000 ms\n`);
});

test('a spawn bomb ends with its first VM\'s fuel, said once', async () => {
  const r = await run(['--fuel', '200000000', ...grant], join(work, 'bomb.wasm'), ['forever', '/w/bomb.wasm'], { timeoutMs: 60_000 });
  assert.equal(r.code, EXIT_CODES.fuel);
  assert.equal(r.stderr, `goblin: ${join(work, 'bomb.wasm')}: fuel exhausted\n`);
});

test('goblin.spawn nests only so deep, and a tree holds only so many VMs', async () => {
  const deep = await run(grant, join(work, 'bomb.wasm'), ['deep', '/w/bomb.wasm', '0', '0'], { timeoutMs: 60_000 });
  assert.equal(deep.stdout, 'refused at depth 33 errno 6\n', deep.stderr); // EAGAIN
  const k = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro) });
  const out = collect();
  const vm = k.spawn({ module: program('bomb'), args: ['bomb', 'deep', '/w/bomb.wasm', '0', '0'], ns: `bind '#U${work}' /w`, stdout: out, limits: { maxDepth: 1000, maxVms: 10 } });
  assert.equal((await vm.exit).code, 0);
  assert.equal(out.text(), 'refused at depth 10 errno 6\n');
});

test('the memory of a tree counts against its first VM\'s --max-memory', async () => {
  // each level holds 3 MiB: under 16 MiB in all, the sixth cannot have its share
  const r = await run(['--max-memory', '16M', ...grant], join(work, 'bomb.wasm'), ['deep', '/w/bomb.wasm', '0', '3'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^(no memory at depth [45]|refused at depth [56] errno 6)\n$/);
});

// The cross-process swap: an app holds a directory of its box open and opens and
// creates through it, while a second Goblin app confined to the same box, and a
// host process, swap that directory for a symlink leading out of the box and back,
// in a loop. Nothing of the outside may be read, and nothing may be made there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cc } from './lib/cc.ts';
import { goblinBin, node, run } from './lib/run.ts';

const TRIES = 10_000;

/** A host process swapping box/d for a symlink to ../outside and back until stopped; answers its swap count. */
function hostSwapper(box: string): { stop(): Promise<number> } {
  const script = `
    const fs = require('fs'); const d = ${JSON.stringify(join(box, 'd'))}, d2 = d + 'h'; let n = 0;
    process.on('SIGTERM', () => { process.stdout.write(String(n)); process.exit(0); });
    (function loop() {
      for (let i = 0; i < 200; i++) {
        try { fs.renameSync(d, d2); fs.symlinkSync('../outside', d); n++; fs.unlinkSync(d); fs.renameSync(d2, d); } catch {}
      }
      setImmediate(loop);
    })();`;
  const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', b => { out += b; });
  return { stop: () => new Promise(r => { p.on('close', () => r(Number(out))); p.kill('SIGTERM'); }) };
}

test('held_directory_never_leads_out_while_others_swap_it_for_a_symlink', { timeout: 300_000 }, async () => {
  const top = mkdtempSync(join(tmpdir(), 'goblin-race-'));
  try {
    const box = join(top, 'box'), outside = join(top, 'outside');
    mkdirSync(join(box, 'd', 'sub'), { recursive: true });
    writeFileSync(join(box, 'd', 'f'), 'inside\n');
    mkdirSync(outside);
    writeFileSync(join(outside, 'f'), 'SECRET f outside the box\n');
    writeFileSync(join(outside, 'secret'), 'SECRET outside the box\n');
    mkdirSync(join(outside, 'sub'));

    const grant = ['--dir', `${box}::/box`];
    // the first app holds /box/d open before anyone swaps it
    const first = spawn(node, [goblinBin, 'run', ...grant, cc('race_held'), '/box/d', String(TRIES)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    first.stderr.on('data', b => { err += b; });
    await new Promise<void>((resolve, reject) => {
      first.stdout.on('data', b => { out += b; if (out.startsWith('ready\n')) resolve(); });
      first.on('close', () => reject(new Error(`race_held ended before it was ready: ${err}`)));
    });
    const ended = new Promise<number | null>(r => first.on('close', code => r(code)));
    const host = hostSwapper(box);
    const otherRun = run(grant, cc('race_swap'), ['/box', '3000'], { timeoutMs: 240_000 });
    first.stdin.end('go\n');
    const [code, other] = await Promise.all([ended, otherRun]);
    const hostSwaps = await host.stop();
    const held = { code, stdout: out.slice('ready\n'.length), stderr: err };

    assert.equal(held.code, 0, held.stderr);
    const m = /^tries (\d+) inside (\d+) outside (\d+) errors (\d+)\n$/.exec(held.stdout);
    assert.ok(m, held.stdout);
    assert.equal(Number(m[1]), TRIES);
    assert.equal(Number(m[3]), 0, 'reads through the held directory reached outside the box');
    assert.ok(Number(m[2]) > 0, 'the guest read its own file at least once');
    assert.deepEqual(readdirSync(outside).sort(), ['f', 'secret', 'sub'], 'nothing was made outside the box');
    assert.deepEqual(readdirSync(join(outside, 'sub')), []);

    assert.equal(other.code, 0, other.stderr);
    const o = /^swaps (\d+) planted (\d+)\n$/.exec(other.stdout);
    assert.ok(o, other.stdout);
    assert.equal(Number(o[2]), 0, 'a confined app planted a symlink leading out of its box');
    assert.ok(Number(o[1]) > 0 && hostSwaps > 0, `both swappers swapped (app ${o[1]}, host ${hostSwaps})`);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('symlink_targets_must_stay_inside_the_grant', async () => {
  const { staysInside } = await import('../src/fs/confine.ts');
  for (const [depth, target] of [[0, 'a'], [0, 'a/b/../c'], [1, '..'], [1, '../x'], [2, '../../y'], [0, './a'], [0, 'a/..']] as const) {
    assert.ok(staysInside(depth, target), `${depth} ${target}`);
  }
  for (const [depth, target] of [[0, '..'], [0, '/etc'], [1, '/tmp/x'], [1, '../../x'], [0, 'a/../../x'], [0, ''], [2, '../../../x']] as const) {
    assert.ok(!staysInside(depth, target), `${depth} ${target}`);
  }
});

// Appliance benchmarks: `goblin run hello.gob` as a whole process, with a cold and
// a warm program cache, beside node running the same wasm through node:wasi as a
// whole process; and pack and verify throughput on a 100 MiB image.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { unpack } from '../src/appliance/read.ts';
import { pack } from '../src/appliance/write.ts';
import { nodeCodecs } from '../src/node/codecs.ts';
import { median, now, report, rounds } from './lib.ts';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const goblin = join(repo, 'bin/goblin.js');
const work = mkdtempSync(join(tmpdir(), 'goblin-bench-app-'));
const cache = join(work, 'cache');
const env = { ...process.env, GOBLIN_CACHE: cache };
execFileSync(process.execPath, [goblin, 'pack', join(repo, 'examples/hello'), '-o', join(work, 'hello.gob')], { env, stdio: 'ignore' });

const whole = (args: string[], before?: () => void) => () => {
  before?.();
  const t = now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}`);
  return now() - t;
};
const app = join(work, 'hello.gob');
const [cold, warm, peer] = await rounds(15, 2, [
  whole([goblin, 'run', app], () => rmSync(cache, { recursive: true, force: true })),
  whole([goblin, 'run', app]),
  whole([join(repo, 'bench/wasi-run.mjs'), join(repo, 'examples/hello.wasm'), 'from', 'an', 'appliance']),
]);
report('goblin run hello.gob, a whole process, cold program cache (cleared before each): node running hello.wasm through node:wasi, a whole process; median of 15', median(cold!), 'node:wasi', median(peer!), 'ms', 'none set');
report('goblin run hello.gob, a whole process, warm program cache: node running hello.wasm through node:wasi, a whole process; median of 15', median(warm!), 'node:wasi', median(peer!), 'ms', '≤ 1.0x');

// 100 MiB of incompressible data in 100 files of 1 MiB: pack (hash, the compression probe, assembly) and verify (unpack)
const MiB = 1 << 20;
const files = Array.from({ length: 100 }, (_, i) => ({ path: `/data/f${String(i).padStart(3, '0')}`, mode: 0o644, data: new Uint8Array(randomBytes(MiB)) }));
const input = { manifest: { name: 'big', version: '1', entry: '/data/f000' }, base: null, dirs: [{ path: '/data', mode: 0o755 }], files };
let bytes: Uint8Array = new Uint8Array(0);
const [packs, verifies] = await rounds(5, 1, [
  async () => { const t = now(); bytes = await pack(input, { codecs: nodeCodecs }); return now() - t; },
  async () => { const t = now(); await unpack(bytes, { codecs: nodeCodecs }); return now() - t; },
]);
const hashOnly = await rounds(5, 1, [() => { const t = now(); createHash('sha256').update(bytes).digest(); return now() - t; }]);
report('pack a 100 MiB image (100 incompressible 1 MiB files): SHA-256 of one pass over it; median of 5', 100 / (median(packs!) / 1000), 'sha256', 100 / (median(hashOnly[0]!) / 1000), 'MiB/s', 'none set');
report('verify a 100 MiB appliance (the whole-file digest, the index, each blob\'s SHA-256): SHA-256 of one pass over it; median of 5', 100 / (median(verifies!) / 1000), 'sha256', 100 / (median(hashOnly[0]!) / 1000), 'MiB/s', '≥ 500 MiB/s');
rmSync(work, { recursive: true, force: true });

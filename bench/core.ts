// Core benchmarks: Goblin beside node:wasi in one run, ratios printed.
//   node bench/core.ts [--quick]
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { execSync } from 'node:child_process';
import { Kernel } from '../src/wasi/kernel.ts';
import { collect, nothing } from '../src/kernel/stdio.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { cc } from '../test/lib/cc.ts';
import { alternate, median, now, quantile, report, timeIt } from './lib.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const wasm = (name: string) => new Uint8Array(readFileSync(cc(join(here, 'c', `${name}.c`))));
const kernel = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro) });
const devnull = openSync('/dev/null', 'w');

async function goblin(bytes: Uint8Array | Awaited<ReturnType<Kernel['compile']>>, args: string[], ns = '', metered = true): Promise<number> {
  const module = bytes instanceof Uint8Array ? await kernel.compile(bytes, { metered }) : bytes;
  const st = await kernel.spawn({ module, args, ns, stdout: nothing(), stderr: collect() }).exit;
  if (st.code !== 0) throw new Error(`goblin: ${args[0]} exited ${st.code} ${st.message ?? ''}`);
  return st.code;
}

function nodeWasi(module: WebAssembly.Module, args: string[], preopens: Record<string, string> = {}): number {
  const w = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true, stdout: devnull });
  const code = w.start(new WebAssembly.Instance(module, w.getImportObject() as WebAssembly.Imports));
  if (code !== 0) throw new Error(`node:wasi: ${args[0]} exited ${code}`);
  return code;
}

async function startup(): Promise<void> {
  const bytes = wasm('b_hello');
  const program = await kernel.compile(bytes);
  const module = new WebAssembly.Module(bytes);
  const n = quick ? 300 : 3000;
  const g: number[] = [], w: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = now(); await goblin(program, ['hello']); g.push(now() - t);
    t = now(); nodeWasi(module, ['hello']); w.push(now() - t);
  }
  const gp = median(g.slice(n / 10)) * 1000, wp = median(w.slice(n / 10)) * 1000;
  report('hello start+run+exit, p50', gp, 'node:wasi', wp, 'µs', 'p50 ≤ 50 µs, ≤ 0.15x');
  console.log(`${''.padEnd(44)} goblin p90 ${(quantile(g, 0.9) * 1000).toFixed(0)} µs`);
}

async function writes(): Promise<void> {
  const bytes = wasm('b_writes'), module = new WebAssembly.Module(bytes);
  const n = String(quick ? 100_000 : 1_000_000);
  const [g, w] = await alternate(5, () => goblin(bytes, ['w', n]), () => nodeWasi(module, ['w', n], { '/dev': '/dev' }));
  report(`${n} one-byte writes to /dev/null`, g, 'node:wasi', w, 'ms', '≤ 1.0x');
}

async function stats(dir: string): Promise<void> {
  const bytes = wasm('b_stats'), module = new WebAssembly.Module(bytes);
  const n = String(quick ? 10_000 : 100_000);
  const [g, w] = await alternate(5, () => goblin(bytes, ['s', '/data/f', n], `bind '#U${dir}' /data`), () => nodeWasi(module, ['s', '/data/f', n], { '/data': dir }));
  report(`${n} stats (path_filestat_get)`, g, 'node:wasi', w, 'ms', '≤ 1.0x');
}

async function bigRead(dir: string): Promise<void> {
  const mib = quick ? 64 : 256;
  const f = join(dir, 'big');
  const fd = openSync(f, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  execSync(`cat ${f} > /dev/null`); // warm the page cache for both
  const bytes = wasm('b_read'), module = new WebAssembly.Module(bytes);
  const [g, w] = await alternate(7, () => goblin(bytes, ['r', '/data/big'], `bind '#U${dir}' /data`), () => nodeWasi(module, ['r', '/data/big'], { '/data': dir }));
  report(`read a ${mib} MiB file`, mib / (g / 1000), 'node:wasi', mib / (w / 1000), 'MiB/s', '≥ 0.9x');
}

async function fuel(): Promise<void> {
  const bytes = wasm('b_compute');
  const rounds = quick ? '3' : '10';
  await goblin(bytes, ['c', rounds], '', true); await goblin(bytes, ['c', rounds], '', false);
  const [m, u] = await alternate(7, () => goblin(bytes, ['c', rounds], '', true), () => goblin(bytes, ['c', rounds], '', false));
  report('compute-heavy program, metered vs unmetered', m, 'unmetered', u, 'ms', '≤ 1.15x');
}

async function pipe(): Promise<void> {
  const mib = quick ? 256 : 1024;
  const zeros = await kernel.compile(wasm('b_zeros')), reader = await kernel.compile(wasm('b_read'));
  const once = async () => {
    const p = kernel.pipe();
    const out = collect();
    const a = kernel.spawn({ module: zeros, args: ['z', String(mib)], stdout: p.writer() });
    const b = kernel.spawn({ module: reader, args: ['r', '-', String(65536)], stdin: p.reader(), stdout: out });
    await Promise.all([a.exit, b.exit]);
    if (out.text().trim() !== String(mib * 1048576)) throw new Error(`pipe moved ${out.text()}`);
  };
  const g = await timeIt(3, once);
  const h = await timeIt(3, () => execSync(`head -c ${mib}M /dev/zero | cat | wc -c`, { shell: '/bin/sh' }));
  report(`pipe between two VMs, ${mib} MiB`, mib / (g / 1000), 'host cat|wc', mib / (h / 1000), 'MiB/s', '≥ 2 GiB/s');
}

const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-'));
writeFileSync(join(dir, 'f'), 'x');
try {
  console.log(`Goblin core benchmarks (node ${process.version}${quick ? ', quick' : ''})`);
  await startup();
  await writes();
  await stats(dir);
  await bigRead(dir);
  await fuel();
  await pipe();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

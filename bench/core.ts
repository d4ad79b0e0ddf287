// Core benchmarks: Goblin beside node:wasi (and a host pipe) in one run, ratios printed.
// Both sides get the same module, arguments and files; stdout and stderr are a host
// fd on /dev/null for both. Goblin compiles its modules metered (its default);
// node:wasi runs them unmetered. Fuel overhead is bench/fuel.ts.
//   node bench/core.ts [--quick]
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { Kernel } from '../src/wasi/kernel.ts';
import type { Program } from '../src/kernel/program.ts';
import { collect } from '../src/kernel/stdio.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { cc } from '../test/lib/cc.ts';
import { alternate, devNull, hostLoop, median, nullOut, quantile, report, rounds, sh, timed } from './lib.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const wasm = (name: string) => new Uint8Array(readFileSync(cc(join(here, 'c', `${name}.c`))));
const kernel = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro) });

async function goblin(module: Uint8Array | Program, args: string[], ns = ''): Promise<void> {
  const st = await kernel.spawn({ module, args, ns, stdout: nullOut(), stderr: nullOut() }).exit;
  if (st.code !== 0) throw new Error(`goblin: ${args[0]} exited ${st.code} ${st.message ?? ''}`);
}

function nodeWasi(module: WebAssembly.Module, args: string[], preopens: Record<string, string> = {}): void {
  const w = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true, stdout: devNull, stderr: devNull });
  const code = w.start(new WebAssembly.Instance(module, w.getImportObject() as WebAssembly.Imports));
  if (code !== 0) throw new Error(`node:wasi: ${args[0]} exited ${code}`);
}

async function startup(): Promise<void> {
  const bytes = wasm('b_hello');
  const program = await kernel.compile(bytes);
  const module = new WebAssembly.Module(bytes);
  const n = quick ? 300 : 3000, warm = n / 10;
  const [g, w] = await rounds(n - warm, warm, [timed(() => goblin(program, ['hello'])), timed(() => nodeWasi(module, ['hello']))]);
  const what = `hello (puts, exit 0): start, run, exit from a compiled module; goblin metered; ${n - warm} alternating runs after ${warm} warm-up`;
  report(`${what}, p50`, median(g!) * 1000, 'node:wasi', median(w!) * 1000, 'µs', 'p50 ≤ 50 µs, ≤ 0.15x');
  report(`${what}, p90`, quantile(g!, 0.9) * 1000, 'node:wasi', quantile(w!, 0.9) * 1000, 'µs', 'none set');
}

async function writes(): Promise<void> {
  const bytes = wasm('b_writes'), module = new WebAssembly.Module(bytes);
  const n = String(quick ? 100_000 : 1_000_000);
  const [g, w] = await alternate(5, () => goblin(bytes, ['w', n], "bind '#U/dev' /dev"), () => nodeWasi(module, ['w', n], { '/dev': '/dev' }));
  report(`${n} one-byte fd_write to the host's /dev/null, each a write(2): goblin bind '#U/dev' /dev, node:wasi preopen /dev; goblin metered; median of 5`, g, 'node:wasi', w, 'ms', '≤ 1.0x');
}

async function stats(dir: string): Promise<void> {
  const bytes = wasm('b_stats'), module = new WebAssembly.Module(bytes);
  const n = String(quick ? 10_000 : 100_000);
  const [g, w] = await alternate(5, () => goblin(bytes, ['s', '/data/f', n], `bind '#U${dir}' /data`), () => nodeWasi(module, ['s', '/data/f', n], { '/data': dir }));
  report(`${n} stat("/data/f") (path_filestat_get) of a host file: goblin bind '#U DIR' /data, node:wasi preopen /data; goblin metered; median of 5`, g, 'node:wasi', w, 'ms', '≤ 1.0x');
}

async function bigRead(dir: string): Promise<void> {
  const mib = quick ? 64 : 256;
  const f = join(dir, 'big');
  const fd = openSync(f, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  sh(`cat ${f} > /dev/null`); // in the page cache for both
  const bytes = wasm('b_read'), module = new WebAssembly.Module(bytes);
  const [g, w] = await alternate(7, () => goblin(bytes, ['r', '/data/big'], `bind '#U${dir}' /data`), () => nodeWasi(module, ['r', '/data/big'], { '/data': dir }));
  report(`read a ${mib} MiB host file (sparse, in the page cache) in 1 MiB reads: goblin bind '#U DIR' /data, node:wasi preopen /data; goblin metered; median of 7`, mib / (g / 1000), 'node:wasi', mib / (w / 1000), 'MiB/s', '≥ 0.9x');
}

async function pipe(dir: string): Promise<void> {
  const mib = quick ? 256 : 1024;
  const f = join(dir, 'pipe');
  const fd = openSync(f, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  if (sh(`cat ${f} | wc -c`).trim() !== String(mib << 20)) throw new Error('host cat|wc miscounted');
  const cat = await kernel.compile(wasm('b_cat')), counter = await kernel.compile(wasm('b_read'));
  const once = async () => {
    const p = kernel.pipe();
    const out = collect();
    const a = kernel.spawn({ module: cat, args: ['cat', '/data/pipe', String(128 << 10)], ns: `bind '#U${dir}' /data`, stdout: p.writer(), stderr: nullOut() });
    const b = kernel.spawn({ module: counter, args: ['wc', '-', String(16 << 10)], stdin: p.reader(), stdout: out, stderr: nullOut() });
    await Promise.all([a.exit, b.exit]);
    if (out.text().trim() !== String(mib << 20)) throw new Error(`pipe moved ${out.text()}`);
  };
  const [g, h] = await rounds(3, 1, [timed(once), () => hostLoop(`cat ${f} | wc -c`, 1)]);
  report(`cat F | wc -c, F ${mib} MiB (sparse, in the page cache), 128 KiB writes and 16 KiB reads (as GNU cat and wc): two goblin VMs (b_cat, b_read; metered) on a Goblin pipe (in-process) vs host /bin/sh (a host pipe), its start-up subtracted; median of 3`,
    mib / (median(g!) / 1000), 'host cat|wc', mib / (median(h!) / 1000), 'MiB/s', '≥ 2 GiB/s');
}

const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-'));
writeFileSync(join(dir, 'f'), 'x');
try {
  console.log(`Goblin core benchmarks (node ${process.version}${quick ? ', quick' : ''}); stdout and stderr a host fd on /dev/null for both sides`);
  await startup();
  await writes();
  await stats(dir);
  await bigRead(dir);
  await pipe(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

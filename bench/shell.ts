// Shell benchmarks, Goblin's rc beside the host's /bin/sh running the same pipeline.
// Each side runs the pipeline n times inside one shell, stdout a host fd on /dev/null,
// and has the same shell running n empty iterations subtracted (its start-up and the
// loop): ms per iteration. The two alternate, round by round; figures are medians.
//   cat F | wc -c over 1 GiB through a pipe (goal ≥ 1 GiB/s)
//   a five-stage pipeline, start-up to exit (/bin/echo x | cat | cat | cat | wc -c)
//   node bench/shell.ts [--quick]
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handle } from '../src/fs/types.ts';
import { Kernel } from '../src/wasi/kernel.ts';
import { collect } from '../src/kernel/stdio.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { nodeRootfs } from '../src/node/rootfs.ts';
import { Shell, truthy } from '../src/shell/interp.ts';
import { hostLoop, median, now, nullOut, report, rounds, sh } from './lib.ts';

const quick = process.argv.includes('--quick');
const kernel = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro) });
const rootfs = nodeRootfs();

async function rc(script: string, ns: string, stdout: Handle): Promise<void> {
  const err = collect();
  const shell = new Shell({ kernel, rootfs, stdout, stderr: err, ns });
  const status = await shell.run(script);
  shell.close();
  if (!truthy(status)) throw new Error(`rc: ${script}: status ${status}: ${err.text()}`);
}

/** The Goblin side: `script` n times in one rc, less the same rc with n empty iterations. */
async function rcLoop(script: string, n: number, ns = ''): Promise<number> {
  const loop = async (body: string) => {
    const t = now();
    await rc(`for (i in ${Array.from({ length: n }, (_, i) => i).join(' ')}) { ${body} }`, ns, nullOut());
    return now() - t;
  };
  const empty = await loop('');
  return (await loop(script) - empty) / n;
}

/** Both shells print what they should once, before any timing. */
async function check(goblin: string, host: string, ns: string, want: string): Promise<void> {
  const out = collect();
  await rc(goblin, ns, out);
  if (out.text().trim() !== want) throw new Error(`rc: ${goblin} printed ${out.text()}`);
  const h = sh(host).trim();
  if (h !== want) throw new Error(`sh: ${host} printed ${h}`);
}

async function catWc(dir: string): Promise<void> {
  const mib = quick ? 256 : 1024;
  const f = join(dir, 'big');
  const fd = openSync(f, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  const ns = `bind '#U${dir}' /n/d`;
  sh(`cat ${f} > /dev/null`); // in the page cache for both
  await check('cat /n/d/big | wc -c', `cat ${f} | wc -c`, ns, String(mib << 20));
  const [g, h] = await rounds(3, 1, [() => rcLoop('cat /n/d/big | wc -c', 1, ns), () => hostLoop(`cat ${f} | wc -c`, 1)]);
  report(`cat F | wc -c, F ${mib} MiB (sparse, in the page cache): goblin rc with its cat and wc (VMs, metered) vs host /bin/sh with GNU cat and wc; each shell's start-up subtracted; median of 3`,
    mib / (median(g!) / 1000), 'host sh', mib / (median(h!) / 1000), 'MiB/s', '≥ 1024 MiB/s');
}

async function fiveStages(): Promise<void> {
  const n = quick ? 10 : 40, reps = quick ? 3 : 7;
  const line = '/bin/echo x | cat | cat | cat | wc -c'; // /bin/echo: a program on both sides
  await check(line, line, '', '2');
  const [g, h] = await rounds(reps, 1, [() => rcLoop(line, n), () => hostLoop(line, n)]);
  report(`${line}, start-up to exit: goblin rc (5 VMs, metered) vs host /bin/sh (5 processes); ${n} in one shell, its start-up subtracted; median of ${reps}`,
    median(g!), 'host sh', median(h!), 'ms', 'faster than the host');
}

const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-sh-'));
try {
  console.log(`Goblin shell benchmarks (node ${process.version}${quick ? ', quick' : ''})`);
  await catWc(dir);
  await fiveStages();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

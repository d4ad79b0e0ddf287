// Shell benchmarks, Goblin's rc beside the host's own shell doing the same:
//   cat F | wc -c over 1 GiB through a pipe (goal ≥ 1 GiB/s)
//   a five-stage pipeline's start-up (echo x | cat | cat | cat | wc -c)
//   node bench/shell.ts [--quick]
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel } from '../src/wasi/kernel.ts';
import { collect } from '../src/kernel/stdio.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { nodeRootfs } from '../src/node/rootfs.ts';
import { Shell } from '../src/shell/interp.ts';
import { median, now, report } from './lib.ts';

const quick = process.argv.includes('--quick');
const kernel = new Kernel({ hostDir: (p, ro) => new HostFs(p, ro) });
const rootfs = nodeRootfs();

async function rc(script: string, text = ''): Promise<string> {
  const out = collect(), err = collect();
  const sh = new Shell({ kernel, rootfs, stdout: out, stderr: err, ns: text });
  const status = await sh.run(script);
  if (status !== '') throw new Error(`rc: ${script}: status ${status}: ${err.text()}`);
  return out.text();
}

const host = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });

async function catWc(dir: string): Promise<void> {
  const mib = quick ? 256 : 1024;
  const f = join(dir, 'big');
  const fd = openSync(f, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  host(`cat ${f} > /dev/null`);
  const g: number[] = [], h: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t = now();
    const n = await rc('cat /n/d/big | wc -c', `bind '#U${dir}' /n/d`);
    g.push(now() - t);
    if (Number(n.trim()) !== mib << 20) throw new Error(`wc said ${n}`);
    t = now(); host(`cat ${f} | wc -c`); h.push(now() - t);
  }
  report(`cat F | wc -c, ${mib} MiB`, mib / (median(g) / 1000), 'host sh', mib / (median(h) / 1000), 'MiB/s', '≥ 1024 MiB/s');
}

async function fiveStages(): Promise<void> {
  const n = quick ? 10 : 40;
  const g: number[] = [], h: number[] = [];
  await rc('echo x | cat | cat | cat | wc -c');
  for (let i = 0; i < n; i++) {
    let t = now(); await rc('echo x | cat | cat | cat | wc -c'); g.push(now() - t);
    t = now(); host('echo x | cat | cat | cat | wc -c'); h.push(now() - t);
  }
  report('five-stage pipeline start-up to exit', median(g), 'host sh', median(h), 'ms', 'faster than the host');
}

const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-sh-'));
try {
  console.log(`Goblin shell benchmarks (node ${process.version}${quick ? ', quick' : ''})`);
  await catWc(dir);
  await fiveStages();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

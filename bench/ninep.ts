// 9P benchmarks, each Goblin beside diod (Debian's diod 1.0.24) on this machine.
// Server: diodload against `goblin export` and against diod, each serving its
// synthetic `ctl` aname: read/write copies ctl:zero to ctl:null (msize 65536),
// getattr asks for ctl:null, with 1 and 16 client threads (one connection each).
// goblin export is one Node thread; diod runs its default 16 I/O worker threads.
// Client: a 256 MiB file read over loopback tcp by a Goblin VM and by diodcat.
// Goal (DESIGN.md section 5): goblin ops/s >= 1.0x diod's.
//   node bench/ninep.ts [--quick] [SECONDS] [ROUNDS]
import { spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel } from '../src/wasi/kernel.ts';
import { dialMounts } from '../src/node/dial.ts';
import { cc, repoDir } from '../test/lib/cc.ts';
import { type Peer, startDiod, startExport } from '../test/lib/peers.ts';
import { median, nullOut, report, rounds, sh, timed } from './lib.ts';

const quick = process.argv.includes('--quick');
const [secs = quick ? '2' : '5', reps = quick ? '1' : '3'] = process.argv.slice(2).filter(a => /^\d+$/.test(a));
const tool = (n: string) => `/usr/sbin/${n}`;
const MSIZE = 65536; // diod's largest; every 9P connection here asks for it

if (!existsSync(tool('diod')) || !existsSync(tool('diodload')) || !existsSync(tool('diodcat'))) {
  console.log('9P: diod is not installed (apt-get install diod); skipped');
  process.exit(0);
}

/** 'tcp!HOST!PORT' as diod's tools write it, HOST:PORT */
const hostPort = (p: Peer) => p.addr.replace(/^tcp!(.*)!(\d+)$/, '$1:$2');

/** Runs a diod tool to its end with stdout on /dev/null; answers its stderr, or fails. */
function tool9p(name: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(tool(name), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (b: Buffer) => { err += b; });
    p.on('exit', code => (code === 0 ? resolve(err) : reject(new Error(`${name} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

async function diodload(server: Peer, args: string[], seconds = secs): Promise<number> {
  const err = await tool9p('diodload', ['-s', hostPort(server), '-m', String(MSIZE), '-r', seconds, ...args]);
  const m = /diodload: (\d+) ops\/s/.exec(err);
  const extra = err.trim().split('\n').filter(l => !/ops\/s/.test(l));
  if (!m || extra.length) throw new Error(`diodload ${args.join(' ')}: ${err}`);
  return Number(m[1]);
}

async function server(): Promise<void> {
  const goblin = await startExport(['--listen', 'tcp!127.0.0.1!0', '--dir', `${repoDir}::/`, '--ro']);
  const diod = await startDiod('ctl');
  console.log(`9P server: diodload, ${secs} s per run, ${reps} round(s) after a 1 s warm-up of each, goblin export (node ${process.version}) and diod alternating`);
  let worst = Infinity;
  try {
    for (const s of [goblin, diod]) await diodload(s, ['-n', '1'], '1');
    for (const [what, args] of [
      ['read/write ctl:zero to ctl:null, 64 KiB, 1 client thread', ['-n', '1']],
      ['read/write ctl:zero to ctl:null, 64 KiB, 16 client threads', ['-n', '16']],
      ['getattr of ctl:null, 1 client thread', ['-n', '1', '-g']],
      ['getattr of ctl:null, 16 client threads', ['-n', '16', '-g']],
    ] as const) {
      const [g, d] = await rounds(Number(reps), 0, [() => diodload(goblin, [...args]), () => diodload(diod, [...args])]);
      const gm = median(g!), dm = median(d!);
      worst = Math.min(worst, gm / dm);
      report(`9P ${what}, diodload msize ${MSIZE}: goblin export (one Node thread) vs diod (16 I/O worker threads, its default); median of ${reps}`, gm, 'diod', dm, 'ops/s', '≥ 1.0x');
    }
  } finally {
    await Promise.all([goblin.stop(), diod.stop()]);
  }
  console.log(`lowest ratio ${worst.toFixed(2)}x`);
}

// A file of 256 MiB (64 with --quick; sparse, in the page cache) read in pieces of
// one iounit (msize 65536 on every connection, as diod grants no more: one Tread of
// 65512 bytes each) and written to the host's /dev/null, a write(2) a piece, by b_cat
// in a VM of this process through Goblin's 9P client (a `mount` line) and by diodcat
// (diod's C client, its own process), from goblin export and from diod, each in its
// own process on loopback tcp. Four readers take turns; figures are MiB/s.
async function client(): Promise<void> {
  const mib = quick ? 64 : 256;
  const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-9pc-'));
  const file = join(dir, 'big');
  const fd = openSync(file, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  sh(`cat ${file} > /dev/null`);
  const goblin = await startExport(['--listen', 'tcp!127.0.0.1!0', '--dir', `${dir}::/`, '--ro']);
  const diod = await startDiod(dir);
  const ns = `mount '${goblin.addr}' /n/goblin\nmount '${diod.addr}' /n/diod '${dir}'\n`;
  const mounts = await dialMounts(ns, { msize: MSIZE });
  try {
    const kernel = new Kernel({ dial: mounts.dial });
    const cat = await kernel.compile(new Uint8Array(readFileSync(cc(join(repoDir, 'bench', 'c', 'b_cat.c')))));
    const vm = async (path: string) => {
      const st = await kernel.spawn({ module: cat, args: ['b_cat', path, String(MSIZE - 24)], ns, stdout: nullOut(), stderr: nullOut() }).exit;
      if (st.code !== 0) throw new Error(`b_cat ${path}: exit ${st.code} ${st.message ?? ''}`);
    };
    const diodcat = (from: Peer, aname: string) => tool9p('diodcat', ['-s', hostPort(from), '-m', String(MSIZE), '-a', aname, 'big']);
    const [vg, vd, cg, cd] = (await rounds(5, 2, [
      timed(() => vm('/n/goblin/big')), timed(() => vm('/n/diod/big')),
      timed(() => diodcat(goblin, '')), timed(() => diodcat(diod, dir)),
    ])).map(t => mib / (median(t) / 1000));
    console.log(`\n9P client: ${mib} MiB over loopback tcp in 65512-byte reads (one Tread each, msize 65536) to the host's /dev/null, median of 5 rounds after 2 warm-up`);
    report(`client: goblin VM (b_cat, Goblin's 9P client) vs diodcat, both reading from diod`, vd!, 'diodcat', cd!, 'MiB/s', 'none set');
    report(`server: diodcat reading from goblin export vs from diod`, cg!, 'diod', cd!, 'MiB/s', 'none set');
    report(`both: goblin VM reading from goblin export vs diodcat from diod`, vg!, 'diodcat<-diod', cd!, 'MiB/s', 'none set');
  } finally {
    mounts.close();
    await Promise.all([goblin.stop(), diod.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await server();
await client();

// 9P server throughput: diodload against `goblin export` and against diod
// (Debian's diod 1.0.24) on this machine, each serving its `ctl` aname.
// Read/write (copy ctl:zero to ctl:null, msize 65536) and getattr (of ctl:null),
// with 1 and 16 client threads (one connection each); the two servers take turns,
// and each figure is the median ops/s of the rounds. Goal (DESIGN.md section 5):
// goblin ops/s >= 1.0x diod's.
//   node bench/ninep.ts [--quick] [SECONDS] [ROUNDS]
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { repoDir } from '../test/lib/cc.ts';
import { median, report } from './lib.ts';

const quick = process.argv.includes('--quick');
const [secs = quick ? '2' : '5', rounds = quick ? '1' : '3'] = process.argv.slice(2).filter(a => /^\d+$/.test(a));
const tool = (n: string) => `/usr/sbin/${n}`;

if (!existsSync(tool('diod')) || !existsSync(tool('diodload'))) {
  console.log('9P: diod is not installed (apt-get install diod); skipped');
  process.exit(0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server and waits until its port answers. */
async function start(cmd: string, args: string[], port: number): Promise<ChildProcess> {
  const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (b: Buffer) => { err += b; });
  for (let i = 0; i < 100; i++) {
    if (p.exitCode !== null) throw new Error(`${cmd} exited ${p.exitCode}: ${err}`);
    const up = await new Promise<boolean>(r => {
      const c = net.connect({ host: '127.0.0.1', port }, () => { c.destroy(); r(true); });
      c.on('error', () => r(false));
    });
    if (up) return p;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${cmd} did not start: ${err}`);
}

function stop(p: ChildProcess): Promise<void> {
  return new Promise(r => {
    if (p.exitCode !== null) return r();
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

function diodload(port: number, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(tool('diodload'), ['-s', `127.0.0.1:${port}`, '-r', secs, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (b: Buffer) => { err += b; });
    p.on('exit', code => {
      const m = /diodload: (\d+) ops\/s/.exec(err);
      const extra = err.trim().split('\n').filter(l => !/ops\/s/.test(l));
      if (code !== 0 || !m || extra.length) reject(new Error(`diodload ${args.join(' ')} on port ${port}: exit ${code}: ${err}`));
      else resolve(Number(m[1]));
    });
  });
}

const gport = await freePort();
const goblin = await start(process.execPath, [join(repoDir, 'bin', 'goblin.js'), 'export', '--listen', `tcp!127.0.0.1!${gport}`, '--dir', `${repoDir}::/`, '--ro'], gport);
const dport = await freePort();
// -n: no auth; -c /dev/null: ignore /etc/diod.conf; -e ctl: export the synthetic ctl tree diodload uses
const diod = await start(tool('diod'), ['-f', '-n', '-c', '/dev/null', '-e', 'ctl', '-l', `127.0.0.1:${dport}`], dport);

console.log(`9P server: diodload, ${secs} s per run, ${rounds} round(s), goblin (node ${process.version}) and diod alternating`);
let worst = Infinity;
try {
  for (const [label, args] of [
    ['read/write 64 KiB, 1 thread', ['-n', '1']],
    ['read/write 64 KiB, 16 threads', ['-n', '16']],
    ['getattr, 1 thread', ['-n', '1', '-g']],
    ['getattr, 16 threads', ['-n', '16', '-g']],
  ] as const) {
    const g: number[] = [], d: number[] = [];
    for (let i = 0; i < Number(rounds); i++) {
      g.push(await diodload(gport, [...args]));
      d.push(await diodload(dport, [...args]));
    }
    const gm = median(g), dm = median(d);
    worst = Math.min(worst, gm / dm);
    report(`9P ${label}`, gm, 'diod', dm, 'ops/s', '>= 1.0x');
  }
} finally {
  await Promise.all([stop(goblin), stop(diod)]);
}
console.log(`lowest ratio ${worst.toFixed(2)}x`);

// ---- 9P client: a WASI program reads a big file from a remote tree ----------
// b_read (bench/c/b_read.c, 1 MiB reads) in a VM of this process reads a file of
// 256 MiB (64 with --quick; sparse, in the page cache) from `goblin export` and
// from diod, each in its own process on loopback tcp, through Goblin's 9P client
// (`mount` in the VM's namespace). The peer is diodcat (diod's C client) reading
// the same file from diod. Figures are MiB/s, the median of 3 runs each.
{
  const { mkdtempSync, openSync, ftruncateSync, closeSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execSync } = await import('node:child_process');
  const { cc } = await import('../test/lib/cc.ts');
  const { Kernel } = await import('../src/wasi/kernel.ts');
  const { collect } = await import('../src/kernel/stdio.ts');
  const { dialMounts } = await import('../src/node/dial.ts');
  const { timeIt } = await import('./lib.ts');

  const mib = quick ? 64 : 256;
  const dir = mkdtempSync(join(tmpdir(), 'goblin-bench-9pc-'));
  const file = join(dir, 'big');
  const fd = openSync(file, 'w'); ftruncateSync(fd, mib << 20); closeSync(fd);
  execSync(`cat ${file} > /dev/null`); // in the page cache for every reader
  const ep = await freePort();
  const exporter = await start(process.execPath, [join(repoDir, 'bin', 'goblin.js'), 'export', '--listen', `tcp!127.0.0.1!${ep}`, '--dir', `${dir}::/`, '--ro'], ep);
  const dp = await freePort();
  const diod2 = await start(tool('diod'), ['-f', '-n', '-c', '/dev/null', '-e', dir, '-l', `127.0.0.1:${dp}`], dp);
  const ns = `mount 'tcp!127.0.0.1!${ep}' /n/goblin\nmount 'tcp!127.0.0.1!${dp}' /n/diod '${dir}'\n`;
  const mounts = await dialMounts(ns);
  try {
    const kernel = new Kernel({ dial: mounts.dial });
    const reader = await kernel.compile(new Uint8Array(readFileSync(cc(join(repoDir, 'bench', 'c', 'b_read.c')))));
    const vmRead = async (path: string) => {
      const out = collect();
      const st = await kernel.spawn({ module: reader, args: ['b_read', path, String(1 << 20)], ns, stdout: out, stderr: collect() }).exit;
      if (st.code !== 0 || out.text().trim() !== String(mib << 20)) throw new Error(`b_read ${path}: exit ${st.code}, ${out.text()}`);
    };
    const diodcat = () => new Promise<void>((resolve, reject) => {
      const p = spawn(tool('diodcat'), ['-s', `127.0.0.1:${dp}`, '-m', String((1 << 20) + 24), '-a', dir, 'big'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr!.on('data', (b: Buffer) => { err += b; });
      p.on('exit', code => (code === 0 ? resolve() : reject(new Error(`diodcat: exit ${code}: ${err}`))));
    });
    await vmRead('/n/goblin/big'); // warm up the compiled program and both connections
    await vmRead('/n/diod/big');
    const fromGoblin = await timeIt(3, () => vmRead('/n/goblin/big'));
    const fromDiod = await timeIt(3, () => vmRead('/n/diod/big'));
    const peer = await timeIt(3, diodcat);
    const rate = (ms: number) => mib / (ms / 1000);
    console.log(`\n9P client: a VM reads a ${mib} MiB file over loopback tcp (1 MiB reads), median of 3`);
    report(`VM <- goblin export, ${mib} MiB`, rate(fromGoblin), 'diodcat<-diod', rate(peer), 'MiB/s', 'none set');
    report(`VM <- diod, ${mib} MiB`, rate(fromDiod), 'diodcat<-diod', rate(peer), 'MiB/s', 'none set');
  } finally {
    mounts.close();
    diod2.kill('SIGKILL'); // diod 1.0.24 can crash in its SIGTERM shutdown
    await Promise.all([stop(exporter), stop(diod2)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

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

// Servers the tests and benchmarks start: goblin export and a real diod, each
// handed back once it answers, with a stop() that waits for it to be gone.
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { goblinBin, node } from './run.ts';

export const diodBin = '/usr/sbin/diod';

export interface Peer {
  proc: ChildProcess; addr: string; stop(): Promise<void>;
  /** what it has said on stderr so far (goblin export only) */
  stderr?(): string;
}

/** A loopback port nobody is listening on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on the loopback port. */
export const answers = (port: number) => new Promise<boolean>(r => {
  const c = net.connect({ host: '127.0.0.1', port }, () => { c.destroy(); r(true); });
  c.on('error', () => r(false));
});

export const stopper = (proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => () => new Promise<void>(r => {
  if (proc.exitCode !== null || proc.signalCode !== null) return r();
  proc.once('exit', () => r());
  proc.kill(signal);
});

/** `goblin export ARGS...`, once it says where it listens. */
export function startExport(args: string[]): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(node, [goblinBin, 'export', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stderr!.on('data', (b: Buffer) => { err += b; });
    proc.stdout!.on('data', (b: Buffer) => {
      out += b;
      const m = /exporting on (\S+)/.exec(out);
      if (m) resolve({ proc, addr: m[1]!, stop: stopper(proc), stderr: () => err });
    });
    proc.once('exit', code => reject(new Error(`goblin export exited ${code}: ${err}`)));
  });
}

/** diod exporting `dir` on loopback tcp, once its port answers. */
export async function startDiod(dir: string): Promise<Peer> {
  const port = await freePort();
  // -f foreground, -n no auth, -c /dev/null: ignore /etc/diod.conf
  // (from a directory of its own: diod 1.0.24 can crash while shutting down, and a core file should not land in the repo)
  const proc = spawn(diodBin, ['-f', '-n', '-c', '/dev/null', '-e', dir, '-l', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'], cwd: tmpdir() });
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => { err += b; });
  while (!(await answers(port))) {
    if (proc.exitCode !== null) throw new Error(`diod exited ${proc.exitCode}: ${err}`);
    await new Promise(r => setTimeout(r, 20));
  }
  return { proc, addr: `tcp!127.0.0.1!${port}`, stop: stopper(proc, 'SIGKILL') };
}

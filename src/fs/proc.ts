// #p: one directory per VM of the kernel, named by pid: status, ns and ctl.
// ctl takes commands through one table; `kill` ends the VM.
import { fail } from '../error.ts';
import { SyntheticFs, type Entry } from './synthetic.ts';

export interface ProcInfo {
  readonly pid: number;
  status(): string;
  ns(): string;
  kill(why: string): void;
}

const dec = new TextDecoder();

const ctlCommands: Record<string, (p: ProcInfo, args: string[]) => void> = {
  kill: p => p.kill('killed'),
};

function ctl(p: ProcInfo, data: Uint8Array): void {
  for (const line of dec.decode(data).split('\n')) {
    const [cmd, ...args] = line.trim().split(/\s+/);
    if (!cmd) continue;
    const f = ctlCommands[cmd];
    if (!f) throw fail('EINVAL', `unknown control message '${cmd}'`);
    f(p, args);
  }
}

export function procFs(procs: () => Iterable<ProcInfo>, clock?: () => bigint): SyntheticFs {
  const dir = (p: ProcInfo): Entry => ({
    name: String(p.pid),
    list: () => [
      { name: 'status', text: () => p.status() },
      { name: 'ns', text: () => p.ns() },
      { name: 'ctl', perm: 0o200, write: d => ctl(p, d) },
    ],
  });
  return new SyntheticFs('proc', { name: '/', list: () => [...procs()].map(dir) }, clock);
}

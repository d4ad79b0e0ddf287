// #c: the devices every VM sees as /dev. cons is the VM's own console (its
// standard input and output); random is the VM's entropy (seeded when deterministic).
import { fail } from '../error.ts';
import type { Handle } from './types.ts';
import { handle } from './defaults.ts';
import { SyntheticFs, type Entry } from './synthetic.ts';

export interface DevContext {
  /** the console: reads take the VM's stdin, writes go to its stdout */
  cons(): { input: Handle | null; output: Handle | null };
  random(dst: Uint8Array): void;
  clock(): bigint;
}

const charDev = (name: string, open: () => Handle): Entry => ({ name, type: 'char', perm: 0o666, open });

function device(read: (dst: Uint8Array) => number, write: (src: Uint8Array) => number): Handle {
  return handle({ seekable: true, read, write });
}

export function devFs(ctx: DevContext): SyntheticFs {
  const entries: Entry[] = [
    charDev('null', () => device(() => 0, s => s.length)),
    charDev('zero', () => device(d => (d.fill(0), d.length), s => s.length)),
    charDev('random', () => device(d => (ctx.random(d), d.length), () => { throw fail('EACCES'); })),
    charDev('cons', () => {
      const { input, output } = ctx.cons();
      return handle({
        seekable: false,
        read: (d, o) => { if (!input) throw fail('EBADF'); return input.read(d, o); },
        write: (s, o) => { if (!output) throw fail('EBADF'); return output.write(s, o); },
        ready: op => (op === 'read' ? input?.ready?.(op) : output?.ready?.(op)) ?? true,
        whenReady: op => (op === 'read' ? input?.whenReady?.(op) : output?.whenReady?.(op)) ?? Promise.resolve(),
      });
    }),
  ];
  return new SyntheticFs('dev', { name: '/', list: () => entries }, ctx.clock);
}

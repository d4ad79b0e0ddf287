// The `ctl` aname, as diod serves it: a small synthetic tree that load
// generators and monitors attach to. diodload reads `zero` and writes `null`;
// the rest are status text made at open.

import { fail } from '../error.ts';
import { type Entry, SyntheticFs } from '../fs/synthetic.ts';
import { handle } from '../fs/defaults.ts';
import type { Handle } from '../fs/types.ts';
import type { Server } from './server.ts';

function stream(read: (dst: Uint8Array) => number, write: (src: Uint8Array) => number): Handle {
  return handle({ seekable: false, read, write });
}

const fill0 = (d: Uint8Array): number => (d.fill(0), d.length);
const sink = (s: Uint8Array): number => s.length;
const refuse = (): number => { throw fail('EACCES'); };

export function ctlTree(server: Server): SyntheticFs {
  const entries: Entry[] = [
    { name: 'version', text: () => 'goblin\n' },
    { name: 'date', text: () => `${(Number(server.clock() / 1_000_000n) / 1000).toFixed(6)}\n` },
    { name: 'zero', perm: 0o444, open: () => stream(fill0, refuse) },
    { name: 'null', perm: 0o666, open: () => stream(() => 0, sink) },
    { name: 'connections', text: () => `${server.sessions.size}\n` },
    { name: 'exports', text: () => [...server.exports.keys()].map(k => `${k === '' ? "''" : k}\n`).join('') },
  ];
  return new SyntheticFs('ctl', { name: '/', list: () => entries }, () => server.clock());
}

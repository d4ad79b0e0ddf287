// #e: the environment as files, one per variable, over the VM's own map.
// Writing a file sets the variable; removing it unsets it.
import { SyntheticFs, type Entry } from './synthetic.ts';

const enc = new TextEncoder(), dec = new TextDecoder();

export function envFs(env: Map<string, string>, clock?: () => bigint): SyntheticFs {
  const entry = (name: string): Entry => ({
    name, perm: 0o666,
    text: () => env.get(name) ?? '',
    size: () => enc.encode(env.get(name) ?? '').length,
    // each write replaces the value: what `echo x > /env/y` means
    write: data => { env.set(name, dec.decode(data)); },
    remove: () => { env.delete(name); },
  });
  return new SyntheticFs('env', {
    name: '/', perm: 0o777,
    list: () => [...env.keys()].sort().map(entry),
    create: name => { if (!env.has(name)) env.set(name, ''); },
  }, clock);
}

// goblin.mode: a file's permission bits, which WASI preview 1's filestat has no
// room for (so ls -l can show them). Besides goblin.spawn, the one call Goblin
// adds. The path is absolute, in the VM's namespace, symbolic links followed.
import { fail } from '../error.ts';
import type { Maybe, Stat } from '../fs/types.ts';
import { drive } from '../fs/maybe.ts';
import type { Namespace } from '../ns/namespace.ts';
import { walk, type Walked } from '../ns/walk.ts';

export const MODE_IMPORT = { module: 'goblin', name: 'mode' };

/** The permission bits (0o777) of the file at path; EINVAL for a relative path. */
export function modeOf(ns: Namespace, path: string): Maybe<number> {
  if (!path.startsWith('/')) throw fail('EINVAL', 'goblin.mode takes an absolute path');
  return drive(function* () {
    const w: Walked = yield walk(ns, [ns.root], path, { follow: true, rootedLinks: true });
    const st: Stat = yield w.stack[w.stack.length - 1]!.file.stat();
    return st.mode & 0o777;
  }());
}

// Files as the shell reaches them: paths are cleaned lexically against the
// shell's current directory (Plan 9's `..`) and walked from the namespace root.
import { fail } from '../error.ts';
import type { Dirent, File, Handle } from '../fs/types.ts';
import type { Chan, Namespace } from '../ns/namespace.ts';
import { cleanName, walk } from '../ns/walk.ts';

/** path made absolute against cwd, and clean. */
export function absolute(cwd: string, path: string): string {
  return cleanName(path.startsWith('/') ? path : `${cwd}/${path}`);
}

export async function lookup(ns: Namespace, abs: string): Promise<Chan> {
  const w = await walk(ns, [ns.root], abs, { follow: true, rootedLinks: true });
  return w.stack[w.stack.length - 1]!;
}

export async function exists(ns: Namespace, abs: string): Promise<boolean> {
  try { await lookup(ns, abs); return true; } catch { return false; }
}

export type OpenMode = '<' | '>' | '>>' | '<>';

/** Opens a file for a redirection: > and >> create it (> truncates), < and <> must find it. */
export async function open(ns: Namespace, abs: string, mode: OpenMode): Promise<Handle> {
  const read = mode === '<' || mode === '<>';
  const write = mode !== '<';
  const w = await walk(ns, [ns.root], abs, { follow: true, rootedLinks: true, allowMissing: write && mode !== '<>' });
  let file: File = w.stack[w.stack.length - 1]!.file;
  if (w.missing !== null) {
    const target = ns.createTarget(w.stack[w.stack.length - 1]!);
    file = await target.create(w.missing, 'file', 0o666, false);
  } else if (file.qid.type === 'dir') {
    if (write) throw fail('EISDIR');
  }
  return file.open({ read, write, truncate: mode === '>', append: mode === '>>' });
}

/** A directory's names, union members merged. */
export async function list(ns: Namespace, abs: string): Promise<Dirent[]> {
  const c = await lookup(ns, abs);
  if (c.file.qid.type !== 'dir') throw fail('ENOTDIR');
  return ns.list(c);
}

/** The whole of a file. */
export { readFile } from '../fs/read-all.ts';

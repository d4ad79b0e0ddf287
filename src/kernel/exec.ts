// The exec service: what program a command name runs, for goblin.spawn and the
// shell alike. One rule for the name (execvp's): a name with a '/' is a path,
// relative to the current directory; any other name is looked for in each
// directory of a search path in turn ($path for the shell, /bin for goblin.spawn).
// A candidate that does not exist (ENOENT) sends the search on; anything else
// found on the way (a directory of that name: EACCES; a server's failure) is
// remembered and reported if no program turns up. A program is a regular file
// of at most MAX_PROGRAM bytes.
//
// Reading costs a walk and a whole read, compiling far more: the bytes are kept
// per version of the file (server, qid.path, mtime, size), and the kernel's
// ProgramCache compiles each content once, so running a program again reads and
// compiles nothing. A file rewritten within one mtime tick at the same size is
// not noticed (as make does not).
import { fail, GoblinError } from '../error.ts';
import { readFile } from '../fs/read-all.ts';
import type { File, Stat } from '../fs/types.ts';
import type { Namespace } from '../ns/namespace.ts';
import { cleanName, walk, type Walked } from '../ns/walk.ts';

/** The largest program a command name may run. */
export const MAX_PROGRAM = 256 << 20;

/** goblin.spawn's search path. */
export const BIN_PATH: readonly string[] = ['/bin'];

/** Versions of program files whose bytes are kept (their compiles are the ProgramCache's). */
const MAX_FILES = 256;

export interface Search {
  /** the current directory, absolute */
  readonly cwd: string;
  /** the directories a name without '/' is looked for in ('' is the current directory) */
  readonly path: readonly string[];
}

/** A program found: the path as the search named it (what whatis prints), and its file. */
export interface Executable { readonly path: string; readonly file: File }

/** A program found and read. */
export interface Loaded extends Executable { readonly bytes: Uint8Array }

/** The paths a command name may run, in the order they are tried. */
export function candidates(name: string, path: readonly string[]): string[] {
  if (name.includes('/')) return [name];
  return path.map(d => (d === '' ? name : `${d}/${name}`));
}

const absolute = (cwd: string, p: string): string => cleanName(p.startsWith('/') ? p : `${cwd}/${p}`);

export class Exec {
  private readonly files = new Map<string, Promise<Uint8Array>>();

  /** The program a command name runs (ENOENT when there is none). */
  async find(ns: Namespace, name: string, search: Search): Promise<Executable> {
    if (name === '') throw fail('ENOENT');
    let why: unknown = null;
    for (const path of candidates(name, search.path)) {
      try {
        const w: Walked = await walk(ns, [ns.root], absolute(search.cwd, path), { follow: true, rootedLinks: true });
        const file = w.stack[w.stack.length - 1]!.file;
        if (file.qid.type === 'file') return { path, file };
        why ??= fail('EACCES', 'not a program');
      } catch (e) {
        if (!(e instanceof GoblinError && e.errno === 'ENOENT')) why ??= e;
      }
    }
    throw why ?? fail('ENOENT');
  }

  /** A program file's bytes (EFBIG past MAX_PROGRAM), read once per version of the file. */
  async read(file: File): Promise<Uint8Array> {
    const st: Stat = await file.stat();
    if (st.size > MAX_PROGRAM) throw fail('EFBIG', 'program too large');
    const key = `${file.qid.dev}:${file.qid.path}:${st.mtime}:${st.size}`;
    let b = this.files.get(key);
    if (b) {
      this.files.delete(key); // most recently used goes last
    } else {
      b = readFile(file, MAX_PROGRAM);
      b.catch(() => { if (this.files.get(key) === b) this.files.delete(key); });
    }
    this.files.set(key, b);
    if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value!);
    return b;
  }

  /** find() then read(). */
  async load(ns: Namespace, name: string, search: Search): Promise<Loaded> {
    const exe = await this.find(ns, name, search);
    return { ...exe, bytes: await this.read(exe.file) };
  }
}

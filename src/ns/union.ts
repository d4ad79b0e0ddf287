// Union directories: the one rule for finding a name in a directory and for
// listing one, used by the namespace's walks, WASI and the 9P server alike.
//
// A lookup tries a union's members in order (bind(2)). ENOENT sends it on to the
// next member; any other error is that member's answer and is reported, so a member
// that cannot be searched (EACCES) or has failed (EIO) is never quietly passed over
// for a later one holding a file of the same name.
//
// A listing reads every member in order and keeps the first entry of each name:
// the one a lookup finds. An error from a member is the listing's error. A listing
// never holds '.' or '..': the layer that presents a directory adds them when its
// protocol has them (WASI's fd_readdir and 9P2000.L's Treaddir do; 9P2000 reads never).
//
// Plan 9's kernel is laxer: its walk tries the next member on any error, and its
// unionread skips a member that fails. Here failures are visible.
import { fail, GoblinError } from '../error.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import type { Dirent, File, Handle, Maybe } from '../fs/types.ts';
import type { Chan } from './namespace.ts';

/** The directories a chan's names come from: a union's members in order, or its file. */
export function members(c: Chan): File[] {
  return c.union ? c.union.map(m => m.file) : [c.file];
}

/** A name found in a directory: the member that has it, and the file it names there. */
export interface Found { readonly dir: File; readonly file: File }

/** Looks name up in c: the first member that has it (ENOENT moves on; other errors are reported). */
export function find(c: Chan, name: string): Maybe<Found> {
  if (c.file.qid.type !== 'dir') throw fail('ENOTDIR');
  return findFrom(members(c), name, 0, null);
}

// Synchronous while the members answer at once; after a wait it carries on from the next member.
function findFrom(dirs: readonly File[], name: string, i: number, missing: GoblinError | null): Maybe<Found> {
  for (; i < dirs.length; i++) {
    const dir = dirs[i]!;
    if (dir.qid.type !== 'dir') continue; // a file holds no names
    let r: Maybe<File>;
    try { r = dir.walk(name); } catch (e) { missing = notHere(e, missing); continue; }
    if (r instanceof Promise) {
      const next = i + 1;
      return r.then(file => ({ dir, file }), e => findFrom(dirs, name, next, notHere(e, missing)));
    }
    return { dir, file: r };
  }
  throw missing ?? fail('ENOENT');
}

/** The first ENOENT (kept to be thrown if no member has the name); any other error is thrown now. */
function notHere(e: unknown, first: GoblinError | null): GoblinError {
  if (!(e instanceof GoblinError) || e.errno !== 'ENOENT') throw e;
  return first ?? e;
}

/**
 * The directory an operation on `name` in c goes to (remove, rename, unlink): c's
 * own file, or the union member a lookup finds the name in. A plain directory is
 * not walked first: the operation itself says whether the name is there.
 */
export function holder(c: Chan, name: string): Maybe<File> {
  if (!c.union) return c.file;
  const r = find(c, name);
  return r instanceof Promise ? r.then(f => f.dir) : r.dir;
}

/** An entry of a listing and the member it came from (whose server numbers its ino). */
export interface Listed { readonly dir: File; readonly ent: Dirent }

/** A directory's entries: the members' merged in order, the first of each name kept. */
export function list(c: Chan): Maybe<Listed[]> {
  if (c.file.qid.type !== 'dir') throw fail('ENOTDIR');
  return drive(listSteps(members(c)));
}

/** list() without where each entry came from. */
export function entries(c: Chan): Maybe<Dirent[]> {
  const r = list(c);
  return r instanceof Promise ? r.then(ents) : ents(r);
}

const ents = (ls: Listed[]): Dirent[] => ls.map(l => l.ent);

function* listSteps(dirs: readonly File[]): Steps<Listed[]> {
  const seen = new Set<string>();
  const out: Listed[] = [];
  for (const dir of dirs) {
    if (dir.qid.type !== 'dir') continue;
    const h: Handle = yield dir.open({ read: true, write: false });
    try {
      const got: Dirent[] = yield h.readdir();
      for (const ent of got) {
        if (ent.name === '.' || ent.name === '..' || seen.has(ent.name)) continue;
        seen.add(ent.name);
        out.push({ dir, ent });
      }
    } finally { h.close(); }
  }
  return out;
}

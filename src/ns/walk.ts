// Path resolution over a namespace, one component at a time. `..` is lexical
// (Plan 9): it pops the walk's own stack and never asks a server, so a walk can
// never climb above where it started (ENOTCAPABLE), whatever was bound where.
import { fail, GoblinError } from '../error.ts';
import type { Maybe } from '../fs/types.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import type { Chan, Namespace } from './namespace.ts';

export const MAX_SYMLINKS = 40;

export interface WalkOptions {
  /** follow a symlink named by the last component */
  follow: boolean;
  /** a missing last component is no error: the walk ends at its directory */
  allowMissing?: boolean;
  /** an absolute symlink target restarts at the namespace root (else ENOTCAPABLE) */
  rootedLinks?: boolean;
}

export interface Walked {
  /** chans from the walk's base to the file (or, when missing, to its directory) */
  stack: Chan[];
  /** the last name when it does not exist (only with allowMissing) */
  missing: string | null;
}

/** Walks `path` from `base`, which is the floor `..` cannot pop. */
export function walk(ns: Namespace, base: readonly Chan[], path: string, opts: WalkOptions): Maybe<Walked> {
  return drive(walkSteps(ns, base, path, opts));
}

/** The file `path` names. */
export function lookup(ns: Namespace, base: readonly Chan[], path: string, follow = true): Maybe<Chan> {
  const r = walk(ns, base, path, { follow });
  return r instanceof Promise ? r.then(top) : top(r);
}

const top = (w: Walked): Chan => w.stack[w.stack.length - 1]!;

export function* walkSteps(ns: Namespace, base: readonly Chan[], path: string, opts: WalkOptions): Steps<Walked> {
  if (path.startsWith('/')) {
    if (!opts.rootedLinks) throw fail('ENOTCAPABLE', 'absolute path');
    base = [ns.root];
  }
  const stack = [...base];
  const floor = stack.length;
  const todo = path.split('/').reverse();
  const mustBeDir = path.endsWith('/');
  let links = 0;
  while (todo.length) {
    const name = todo.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (stack.length <= floor) throw fail('ENOTCAPABLE', "'..' above the starting directory");
      stack.pop();
      continue;
    }
    const dir = stack[stack.length - 1]!;
    const last = !todo.some(n => n !== '' && n !== '.');
    let next: Chan;
    if (last && opts.allowMissing) {
      try { next = yield ns.step(dir, name); } catch (e) {
        if (e instanceof GoblinError && e.errno === 'ENOENT') return { stack, missing: name };
        throw e;
      }
    } else next = yield ns.step(dir, name);
    if (next.file.qid.type === 'symlink' && (!last || opts.follow || mustBeDir)) {
      if (++links > MAX_SYMLINKS) throw fail('ELOOP');
      const target: string = yield next.file.readlink!();
      if (target === '') throw fail('ENOENT');
      if (target.startsWith('/')) {
        if (!opts.rootedLinks) throw fail('ENOTCAPABLE', 'absolute symlink');
        stack.length = 0;
        stack.push(ns.root);
      }
      for (const n of target.split('/').reverse()) todo.push(n);
      continue;
    }
    stack.push(next);
  }
  if (mustBeDir && stack[stack.length - 1]!.file.qid.type !== 'dir') throw fail('ENOTDIR');
  return { stack, missing: null };
}

/** Splits a path into the directory part and a final name ('' when there is none). */
export function splitLast(path: string): { dir: string; name: string; trailingSlash: boolean } {
  const trailingSlash = /[^/]\/+$/.test(path);
  const p = path.replace(/(.)\/+$/, '$1');
  const i = p.lastIndexOf('/');
  if (i < 0) return { dir: '', name: p, trailingSlash };
  return { dir: p.slice(0, i + 1), name: p.slice(i + 1), trailingSlash };
}

/** Plan 9's cleanname: a lexically clean absolute or relative path. */
export function cleanName(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(c);
  }
  const s = out.join('/');
  return rooted ? '/' + s : s || '.';
}

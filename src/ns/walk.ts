// Path resolution over a namespace, one component at a time. `..` is lexical
// (Plan 9): it pops the walk's own stack and never asks a server, so a walk can
// never climb above where it started (ENOTCAPABLE), whatever was bound where.
import { fail, GoblinError } from '../error.ts';
import type { Maybe } from '../fs/types.ts';
import type { Steps } from '../fs/maybe.ts';
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
  return new Walker(ns, base, path, opts).run();
}

/** The file `path` names. */
export function lookup(ns: Namespace, base: readonly Chan[], path: string, follow = true): Maybe<Chan> {
  const r = walk(ns, base, path, { follow });
  return r instanceof Promise ? r.then(top) : top(r);
}

const top = (w: Walked): Chan => w.stack[w.stack.length - 1]!;

/** walk() for code written as steps: `const w: Walked = yield* walkSteps(...)`. */
export function* walkSteps(ns: Namespace, base: readonly Chan[], path: string, opts: WalkOptions): Steps<Walked> {
  return (yield walk(ns, base, path, opts)) as Walked;
}

// The walk is a loop that stays synchronous until a server answers with a Promise,
// then carries on from where it was when that settles.
class Walker {
  readonly ns: Namespace;
  readonly opts: WalkOptions;
  readonly stack: Chan[];
  readonly floor: number;
  readonly todo: string[];
  readonly mustBeDir: boolean;
  links = 0;

  constructor(ns: Namespace, base: readonly Chan[], path: string, opts: WalkOptions) {
    this.ns = ns;
    this.opts = opts;
    if (path.startsWith('/')) {
      if (!opts.rootedLinks) throw fail('ENOTCAPABLE', 'absolute path');
      base = [ns.root];
    }
    this.stack = [...base];
    this.floor = this.stack.length;
    this.todo = path.split('/').reverse();
    this.mustBeDir = path.endsWith('/');
  }

  run(): Maybe<Walked> {
    while (this.todo.length) {
      const r = this.next();
      if (r instanceof Promise) return r.then(done => done ?? this.run());
      if (r) return r;
    }
    if (this.mustBeDir && this.stack[this.stack.length - 1]!.file.qid.type !== 'dir') throw fail('ENOTDIR');
    return { stack: this.stack, missing: null };
  }

  /** One component; answers a result only when the walk ends early (a missing last name). */
  private next(): Maybe<Walked | void> {
    const name = this.todo.pop()!;
    if (name === '' || name === '.') return;
    if (name === '..') {
      if (this.stack.length <= this.floor) throw fail('ENOTCAPABLE', "'..' above the starting directory");
      this.stack.pop();
      return;
    }
    const last = this.isLast();
    let r: Maybe<Chan>;
    try { r = this.ns.step(this.stack[this.stack.length - 1]!, name); } catch (e) { return this.missing(e, name, last); }
    if (r instanceof Promise) return r.then(c => this.arrive(c, last), e => this.missing(e, name, last));
    return this.arrive(r, last);
  }

  private isLast(): boolean {
    for (let i = this.todo.length - 1; i >= 0; i--) if (this.todo[i] !== '' && this.todo[i] !== '.') return false;
    return true;
  }

  private missing(e: unknown, name: string, last: boolean): Walked {
    if (last && this.opts.allowMissing && e instanceof GoblinError && e.errno === 'ENOENT') return { stack: this.stack, missing: name };
    throw e;
  }

  private arrive(c: Chan, last: boolean): Maybe<void> {
    if (c.file.qid.type !== 'symlink' || !(!last || this.opts.follow || this.mustBeDir)) { this.stack.push(c); return; }
    if (++this.links > MAX_SYMLINKS) throw fail('ELOOP');
    const t = c.file.readlink();
    return t instanceof Promise ? t.then(x => this.follow(x)) : this.follow(t);
  }

  private follow(target: string): void {
    if (target === '') throw fail('ENOENT');
    if (target.startsWith('/')) {
      if (!this.opts.rootedLinks) throw fail('ENOTCAPABLE', 'absolute symlink');
      this.stack.length = 0;
      this.stack.push(this.ns.root);
    }
    const parts = target.split('/');
    for (let i = parts.length - 1; i >= 0; i--) this.todo.push(parts[i]!);
  }
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

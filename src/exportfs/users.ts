// Who may attach to what: the --users file of `goblin export`. One rule a line,
//
//   # uname  aname   access
//   glenda   /       rw        the default export, and every path below it
//   guest    /pub    ro        /pub and below, read-only
//   bot      scratch rw        the export named scratch
//   monitor  ctl     ro        diod's ctl tree
//   admin    *       rw        every export and path
//
// Words are separated by blanks; `#` starts a comment. A path aname (`/...`)
// allows that directory of the default export and everything below it (an
// attach to `/pub/x` matches `/pub`); `/` is the default export itself (aname
// '' or any path); any other word names one export. The first rule whose uname
// and aname match decides; an attach no rule matches is refused (EACCES), and a
// read-only one gets EROFS for every change.
//
// The uname is what the client says in Tattach: the rules are only as strong as
// what vouches for the client (the token of the auth exchange, a TLS client
// certificate), and whoever holds the token may name any uname.

import { fail } from '../error.ts';
import type { Export } from './server.ts';

export interface UserRule {
  readonly uname: string;
  /** a path ('/', '/pub'), an export's name, or '*' */
  readonly aname: string;
  readonly readonly: boolean;
}

/** A path aname made lexically clean: `/a/./b/../c/` → `/a/c`; `..` never climbs above `/`. */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const n of p.split('/')) {
    if (n === '' || n === '.') continue;
    if (n === '..') out.pop();
    else out.push(n);
  }
  return `/${out.join('/')}`;
}

export class Users {
  readonly rules: readonly UserRule[];
  constructor(rules: readonly UserRule[]) { this.rules = rules; }

  /** The rule that lets uname attach aname; EACCES if none does. */
  access(uname: string, aname: string): UserRule {
    const path = aname === '' ? '/' : aname.startsWith('/') ? cleanPath(aname) : null;
    let known = false;
    for (const r of this.rules) {
      if (r.uname !== uname) continue;
      known = true;
      if (r.aname === '*' || r.aname === aname) return r;
      if (path !== null && r.aname.startsWith('/') && (r.aname === '/' || path === r.aname || path.startsWith(`${r.aname}/`))) return r;
    }
    if (!known) throw fail('EACCES', `user ${JSON.stringify(uname)} may not attach`);
    throw fail('EACCES', `user ${JSON.stringify(uname)} may not attach ${JSON.stringify(aname)}`);
  }
}

/** The rules of a users file; a bad line throws EINVAL naming it. */
export function parseUsers(text: string, name = 'users'): Users {
  const rules: UserRule[] = [];
  text.split('\n').forEach((line, i) => {
    const words = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    const where = `${name}:${i + 1}`;
    if (words.length !== 3) throw fail('EINVAL', `${where}: expected "uname aname ro|rw", got ${JSON.stringify(line.trim())}`);
    const [uname, aname, access] = words as [string, string, string];
    if (access !== 'ro' && access !== 'rw') throw fail('EINVAL', `${where}: access must be ro or rw, not ${JSON.stringify(access)}`);
    rules.push({ uname, aname: aname.startsWith('/') ? cleanPath(aname) : aname, readonly: access === 'ro' });
  });
  return new Users(rules);
}

const readonlyViews = new WeakMap<Export, Export>();

/** The export as a read-only user sees it: one view per export, so its fids still share an export (rename, link). */
export function readonlyView(exp: Export): Export {
  if (exp.readonly) return exp;
  let v = readonlyViews.get(exp);
  if (!v) readonlyViews.set(exp, v = { ...exp, readonly: true });
  return v;
}

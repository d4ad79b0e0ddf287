// File name matching against the shell's namespace (rc(1)): a pattern is matched a
// path component at a time, so / is always explicit; components without an active
// metacharacter are taken as they are, the others against the directory's listing.
// Matches come back sorted; a pattern that matches nothing is the caller's to keep.
import type { Namespace } from '../ns/namespace.ts';
import { absolute, exists, list } from './files.ts';
import { isPattern, match, splitPath, unescape } from './pattern.ts';

interface Found { shown: string; abs: string }

const join = (shown: string, name: string): string =>
  shown === '' ? name : shown.endsWith('/') ? shown + name : `${shown}/${name}`;

/** The paths pat (in escaped pattern form) matches, relative ones against cwd. */
export async function glob(ns: Namespace, cwd: string, pat: string): Promise<string[]> {
  const comps = splitPath(pat);
  const rooted = comps[0] === '';
  let found: Found[] = [{ shown: rooted ? '/' : '', abs: rooted ? '/' : cwd }];
  let unchecked = false; // the last components were taken on trust
  for (let i = rooted ? 1 : 0; i < comps.length && found.length; i++) {
    const comp = comps[i]!;
    if (comp === '') {
      found = found.map(f => ({ shown: f.shown.endsWith('/') ? f.shown : f.shown + '/', abs: f.abs }));
      continue;
    }
    if (!isPattern(comp)) {
      const name = unescape(comp);
      found = found.map(f => ({ shown: join(f.shown, name), abs: absolute(f.abs, name) }));
      unchecked = true;
      continue;
    }
    const next: Found[] = [];
    for (const f of found) {
      let names: string[];
      try { names = (await list(ns, f.abs)).map(d => d.name); } catch { continue; }
      for (const n of names.filter(n => n !== '.' && n !== '..' && match(comp, n)).sort(byCodeUnit)) {
        next.push({ shown: join(f.shown, n), abs: absolute(f.abs, n) });
      }
    }
    found = next;
    unchecked = false;
  }
  if (unchecked) {
    const ok = await Promise.all(found.map(f => exists(ns, f.abs)));
    found = found.filter((_, i) => ok[i]);
  }
  return found.map(f => f.shown).sort(byCodeUnit);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

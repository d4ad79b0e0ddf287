// rc's patterns (rc(1), Arguments and Variables): * matches any string, ? any one
// character, [class] one character of the class ([~class] complements it, a-z is a
// range). Only metacharacters the user left unquoted are active, so a pattern is
// written in an escaped form: an active metacharacter stands bare, and every
// literal * ? [ or \ carries a backslash. Values from variables and backquotes are
// never patterns.
//
// Matching works on code points. For file names the caller splits at / first
// (a / must always be written); `~` and `case` match whole strings.

const META = /[*?[]/;

/** Escapes text so that it matches itself. */
export function escape(text: string): string {
  return text.replace(/[*?[\\]/g, c => '\\' + c);
}

/** The pattern form of an unquoted literal: its metacharacters active, backslashes literal. */
export function unquoted(text: string): string {
  return text.replace(/\\/g, '\\\\');
}

/** Whether the pattern has an active metacharacter. */
export function isPattern(pat: string): boolean {
  for (let i = 0; i < pat.length; i++) {
    if (pat[i] === '\\') i++;
    else if (META.test(pat[i]!)) return true;
  }
  return false;
}

/** The text a pattern stands for when it matches nothing: its escapes removed. */
export function unescape(pat: string): string {
  return pat.replace(/\\(.)/gs, '$1');
}

/** Splits at the active slashes (a literal / cannot be escaped: it is never a metacharacter). */
export function splitPath(pat: string): string[] {
  return pat.split('/');
}

type Tok =
  | { k: 'lit'; c: string }
  | { k: 'any' }
  | { k: 'star' }
  | { k: 'class'; neg: boolean; ranges: [string, string][] };

function compile(pat: string): Tok[] {
  const cs = Array.from(pat);
  const out: Tok[] = [];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === '\\' && i + 1 < cs.length) { out.push({ k: 'lit', c: cs[++i]! }); continue; }
    if (c === '*') { if (out[out.length - 1]?.k !== 'star') out.push({ k: 'star' }); continue; }
    if (c === '?') { out.push({ k: 'any' }); continue; }
    if (c === '[') {
      const cls = readClass(cs, i + 1);
      if (cls) { out.push(cls.tok); i = cls.end; continue; }
    }
    out.push({ k: 'lit', c });
  }
  return out;
}

/** A class from just after its [; null when there is no closing ] (then [ is literal). */
function readClass(cs: string[], i: number): { tok: Tok; end: number } | null {
  let neg = false;
  if (cs[i] === '~') { neg = true; i++; }
  const ranges: [string, string][] = [];
  let first = true;
  for (; i < cs.length; i++) {
    let c = cs[i]!;
    if (c === ']' && !first) return { tok: { k: 'class', neg, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < cs.length) c = cs[++i]!;
    if (cs[i + 1] === '-' && i + 2 < cs.length && cs[i + 2] !== ']') {
      let hi = cs[i + 2]!;
      i += 2;
      if (hi === '\\' && i + 1 < cs.length) hi = cs[++i]!;
      ranges.push([c, hi]);
    } else ranges.push([c, c]);
  }
  return null;
}

function inClass(t: Extract<Tok, { k: 'class' }>, c: string): boolean {
  const cp = c.codePointAt(0)!;
  const hit = t.ranges.some(([lo, hi]) => cp >= lo.codePointAt(0)! && cp <= hi.codePointAt(0)!);
  return hit !== t.neg;
}

/** Whether text matches the whole pattern. */
export function match(pat: string, text: string): boolean {
  const p = compile(pat);
  const s = Array.from(text);
  // Greedy with one backtrack point: the last * seen (enough, as * has no other bound).
  let pi = 0, si = 0, starP = -1, starS = 0;
  while (si < s.length) {
    const t = p[pi];
    if (t && t.k === 'star') { starP = pi++; starS = si; continue; }
    if (t && (t.k === 'any' || (t.k === 'lit' && t.c === s[si]) || (t.k === 'class' && inClass(t, s[si]!)))) {
      pi++; si++; continue;
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (p[pi]?.k === 'star') pi++;
  return pi === p.length;
}

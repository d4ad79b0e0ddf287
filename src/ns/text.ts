// The text form of a namespace, in the style of namespace(6): one operation a line.
//   bind [-abc] FROM ONTO       FROM a path in the namespace or a device ('#c', '#U/host/dir')
//   mount [-abc] ADDR ONTO [ANAME]
//   unmount [FROM] ONTO
// Words are quoted as rc quotes them: '#c', 'it''s'. A line whose first word starts
// with `#` is a comment. Every place that reads these lines (a VM's namespace, the
// CLI's --ns, dialing a text's mounts, the shell's builtins) parses them here, and
// a bad line is an error naming it, never skipped.
import { fail, GoblinError, type Errno } from '../error.ts';
import type { Maybe } from '../fs/types.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import { MAFTER, MBEFORE, MCREATE, MREPL, type Chan, type Namespace } from './namespace.ts';
import { walkSteps, type Walked } from './walk.ts';

export interface NsOp {
  op: 'bind' | 'mount' | 'unmount';
  flags: number;
  args: string[];
}

/** One operation of a namespace text and the line it is on (from 1). */
export interface NsLine { readonly line: number; readonly op: NsOp }

/**
 * What is wrong with a namespace text: the line, and what was wrong on it (a bad
 * line, or an operation that failed). `message` is `line N: reason`, printable:
 * words of the text in it are shown() (a binary file given as a namespace is
 * not echoed back), and anything else that does not print is escaped.
 */
export class NsTextError extends GoblinError {
  readonly line: number;
  readonly reason: string;
  constructor(errno: Errno, line: number, reason: string) {
    reason = escapeText(reason);
    super(errno, `line ${line}: ${reason}`);
    this.line = line;
    this.reason = reason;
  }
}

/** Most characters of a text's own words that an error shows, escapes counted. */
export const SHOWN = 60;

/** Characters that do not print: controls, and what decoding put for bytes that were not UTF-8. */
const NONPRINTING = /[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]/u;

function escapeChar(c: string): string {
  if (!NONPRINTING.test(c)) return c;
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16)}`;
}

function escapeText(s: string): string {
  return [...s].map(escapeChar).join('');
}

/** A word of a text as an error shows it: non-printing characters escaped (\xNN), SHOWN characters at most, then `...`. */
export function shown(w: string): string {
  let out = '';
  for (const c of w) {
    const e = escapeChar(c);
    if (out.length + e.length > SHOWN) return `${out}...`;
    out += e;
  }
  return out;
}

/** Splits a line into words, rc-style quoting; null for a blank or comment line. */
export function words(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#' && out.length === 0) break;
    let w = '';
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      if (line[i] === "'") {
        i++;
        for (;;) {
          if (i >= line.length) throw fail('EINVAL', `unterminated quote in '${shown(line)}'`);
          if (line[i] === "'") { if (line[i + 1] === "'") { w += "'"; i += 2; continue; } i++; break; }
          w += line[i++];
        }
      } else w += line[i++];
    }
    out.push(w);
  }
  return out.length ? out : null;
}

export function quote(w: string): string {
  return /^[A-Za-z0-9_\/.:,+=@%-]+$/.test(w) ? w : `'${w.replace(/'/g, "''")}'`;
}

/** As bind(1), mount(1) and unmount(1) name their arguments. */
const usage = { bind: 'bind [-abc] new old', mount: 'mount [-abc] addr old [spec]', unmount: 'unmount [new] old' };
/** How many arguments each takes. */
const counts = { bind: [2, 2], mount: [2, 3], unmount: [1, 2] } as const;

/**
 * One operation from its words, [op, flags..., args...]: the one parser for
 * namespace(6) lines and the shell's bind, mount and unmount. Errors say what
 * was wrong (EINVAL).
 */
export function parseOp(w: readonly string[]): NsOp {
  const [op, ...rest] = w;
  if (op !== 'bind' && op !== 'mount' && op !== 'unmount') throw fail('EINVAL', `unknown namespace operation '${shown(op ?? '')}'`);
  let flags = MREPL;
  while (rest[0]?.startsWith('-') && rest[0].length > 1) {
    const word = rest.shift()!;
    if (op === 'unmount') throw fail('EINVAL', `unmount: takes no flags (${shown(word)})`);
    for (const f of word.slice(1)) {
      if (f === 'a') flags = (flags & ~3) | MAFTER;
      else if (f === 'b') flags = (flags & ~3) | MBEFORE;
      else if (f === 'c') flags |= MCREATE;
      else throw fail('EINVAL', `${op}: unknown flag -${shown(f)} (usage: ${usage[op]})`);
    }
  }
  const [min, max] = counts[op];
  if (rest.length < min) throw fail('EINVAL', `${op}: missing argument (usage: ${usage[op]})`);
  if (rest.length > max) throw fail('EINVAL', `${op}: too many arguments (usage: ${usage[op]})`);
  return { op, flags, args: rest };
}

/** One line: null when it is blank or a comment. */
export function parseLine(line: string): NsOp | null {
  const w = words(line);
  return w && parseOp(w);
}

/** Every operation of a namespace text; a bad line is an NsTextError naming it. */
export function parseText(text: string): NsLine[] {
  const out: NsLine[] = [];
  text.split('\n').forEach((l, i) => {
    let op: NsOp | null;
    try { op = parseLine(l); } catch (e) { throw atLine(e, i + 1); }
    if (op) out.push({ line: i + 1, op });
  });
  return out;
}

/** e as the error of a line: GoblinErrors keep their errno. */
function atLine(e: unknown, line: number): unknown {
  if (e instanceof NsTextError) return e;
  if (e instanceof GoblinError) return new NsTextError(e.errno, line, e.message);
  if (e instanceof Error) e.message = `line ${line}: ${e.message}`; // a bug: keep its stack
  return e;
}

export function formatOp(op: NsOp): string {
  const f = (op.flags & 3) === MBEFORE ? 'b' : (op.flags & 3) === MAFTER ? 'a' : '';
  const flags = f + (op.flags & MCREATE ? 'c' : '');
  return [op.op, ...(flags ? ['-' + flags] : []), ...op.args.map(quote)].join(' ');
}

/** Where a mount or bind may make a missing mount point: the namespace's own skeleton. */
export type MakeMountPoint = (parent: Chan, name: string, dir: boolean) => Maybe<boolean>;

/** Mount a dial address: supplied by whoever can reach the network. */
export type Dial = (addr: string, aname: string) => Maybe<Chan>;

export interface ApplyOptions { makeMountPoint?: MakeMountPoint; dial?: Dial }

/** Carries out one operation. */
export function apply(ns: Namespace, op: NsOp, opts: ApplyOptions = {}): Maybe<void> {
  return drive(applySteps(ns, op, opts));
}

/** Parses a namespace text, then carries out its lines in order; errors (NsTextError) name the line. */
export function applyText(ns: Namespace, text: string, opts: ApplyOptions = {}): Maybe<void> {
  return applyLines(ns, parseText(text), opts);
}

/** Carries out parsed lines in order; a failure is an NsTextError naming its line. */
export function applyLines(ns: Namespace, lines: readonly NsLine[], opts: ApplyOptions = {}): Maybe<void> {
  return drive(function* () {
    for (const { line, op } of lines) {
      try { yield* applySteps(ns, op, opts); } catch (e) { throw atLine(e, line); }
    }
  }());
}

function* resolve(ns: Namespace, path: string): Steps<Chan> {
  if (path.startsWith('#')) {
    if (ns.noAttach) throw fail('EPERM', `${shown(path)}: this namespace may attach nothing new (rfork m)`);
    return ns.chan(ns.attach(path).root());
  }
  if (!path.startsWith('/')) throw fail('EINVAL', `not an absolute path: ${shown(path)}`);
  const w: Walked = yield* walkSteps(ns, [ns.root], path, { follow: true, rootedLinks: true });
  return w.stack[w.stack.length - 1]!;
}

function* mountPoint(ns: Namespace, path: string, dir: boolean, opts: ApplyOptions): Steps<Chan> {
  if (!path.startsWith('/')) throw fail('EINVAL', `not an absolute path: ${shown(path)}`);
  const w: Walked = yield* walkSteps(ns, [ns.root], path, { follow: true, rootedLinks: true, allowMissing: true });
  const at = w.stack[w.stack.length - 1]!;
  if (w.missing === null) return at;
  if (!opts.makeMountPoint || !(yield opts.makeMountPoint(at, w.missing, dir))) throw fail('ENOENT', `mount point ${shown(path)} does not exist`);
  return (yield ns.step(at, w.missing)) as Chan;
}

function* applySteps(ns: Namespace, op: NsOp, opts: ApplyOptions): Steps<void> {
  const text = formatOp(op);
  if (op.op === 'bind') {
    const from: Chan = yield* resolve(ns, op.args[0]!);
    const onto: Chan = yield* mountPoint(ns, op.args[1]!, from.file.qid.type === 'dir', opts);
    ns.bind(from, onto, op.flags, text);
  } else if (op.op === 'mount') {
    if (ns.noAttach) throw fail('EPERM', `mount ${shown(op.args[0]!)}: this namespace may attach nothing new (rfork m)`);
    if (!opts.dial) throw fail('ENOTSUP', 'mount: no network here');
    const from: Chan = yield opts.dial(op.args[0]!, op.args[2] ?? '');
    ns.mayWait();
    const onto: Chan = yield* mountPoint(ns, op.args[1]!, true, opts);
    ns.bind(from, onto, op.flags, text);
  } else {
    const onto: Chan = yield* resolve(ns, op.args[op.args.length - 1]!);
    const from: Chan | null = op.args.length === 2 ? yield* resolve(ns, op.args[0]!) : null;
    ns.unmount(from, onto, text);
  }
}

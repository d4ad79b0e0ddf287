// The text form of a namespace, in the style of namespace(6): one operation a line.
//   bind [-abc] FROM ONTO       FROM a path in the namespace or a device ('#c', '#U/host/dir')
//   mount [-abc] ADDR ONTO [ANAME]
//   unmount [FROM] ONTO
// Words are quoted as rc quotes them: '#c', 'it''s'. `#` outside quotes starts a comment.
import { fail } from '../error.ts';
import type { Maybe } from '../fs/types.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import { MAFTER, MBEFORE, MCREATE, MREPL, type Chan, type Namespace } from './namespace.ts';
import { walkSteps, type Walked } from './walk.ts';

export interface NsOp {
  op: 'bind' | 'mount' | 'unmount';
  flags: number;
  args: string[];
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
          if (i >= line.length) throw fail('EINVAL', `unterminated quote in '${line}'`);
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

export function parseLine(line: string): NsOp | null {
  const w = words(line);
  if (!w) return null;
  const [op, ...rest] = w;
  if (op !== 'bind' && op !== 'mount' && op !== 'unmount') throw fail('EINVAL', `unknown namespace operation '${op}'`);
  let flags = MREPL;
  while (rest[0]?.startsWith('-') && rest[0].length > 1) {
    for (const f of rest.shift()!.slice(1)) {
      if (f === 'a') flags = (flags & ~3) | MAFTER;
      else if (f === 'b') flags = (flags & ~3) | MBEFORE;
      else if (f === 'c') flags |= MCREATE;
      else throw fail('EINVAL', `${op}: unknown flag -${f}`);
    }
  }
  const want = op === 'bind' ? [2, 2] : op === 'mount' ? [2, 3] : [1, 2];
  if (rest.length < want[0]! || rest.length > want[1]!) throw fail('EINVAL', `usage: ${usage[op]}`);
  return { op, flags, args: rest };
}

const usage = { bind: 'bind [-abc] from onto', mount: 'mount [-abc] addr onto [aname]', unmount: 'unmount [from] onto' };

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

/** Carries out every line of a namespace file, in order; errors name the line. */
export function applyText(ns: Namespace, text: string, opts: ApplyOptions = {}): Maybe<void> {
  return drive(function* () {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      try {
        const op = parseLine(lines[i]!);
        if (op) yield* applySteps(ns, op, opts);
      } catch (e) {
        if (e instanceof Error) e.message = `line ${i + 1}: ${e.message}`;
        throw e;
      }
    }
  }());
}

function* resolve(ns: Namespace, path: string): Steps<Chan> {
  if (path.startsWith('#')) {
    if (ns.noAttach) throw fail('EPERM', `${path}: this namespace may attach nothing new (rfork m)`);
    return ns.chan(ns.attach(path).root());
  }
  if (!path.startsWith('/')) throw fail('EINVAL', `not an absolute path: ${path}`);
  const w: Walked = yield* walkSteps(ns, [ns.root], path, { follow: true, rootedLinks: true });
  return w.stack[w.stack.length - 1]!;
}

function* mountPoint(ns: Namespace, path: string, dir: boolean, opts: ApplyOptions): Steps<Chan> {
  if (!path.startsWith('/')) throw fail('EINVAL', `not an absolute path: ${path}`);
  const w: Walked = yield* walkSteps(ns, [ns.root], path, { follow: true, rootedLinks: true, allowMissing: true });
  const at = w.stack[w.stack.length - 1]!;
  if (w.missing === null) return at;
  if (!opts.makeMountPoint || !(yield opts.makeMountPoint(at, w.missing, dir))) throw fail('ENOENT', `mount point ${path} does not exist`);
  return (yield ns.step(at, w.missing)) as Chan;
}

function* applySteps(ns: Namespace, op: NsOp, opts: ApplyOptions): Steps<void> {
  const text = formatOp(op);
  if (op.op === 'bind') {
    const from: Chan = yield* resolve(ns, op.args[0]!);
    const onto: Chan = yield* mountPoint(ns, op.args[1]!, from.file.qid.type === 'dir', opts);
    ns.bind(from, onto, op.flags, text);
  } else if (op.op === 'mount') {
    if (ns.noAttach) throw fail('EPERM', `mount ${op.args[0]}: this namespace may attach nothing new (rfork m)`);
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

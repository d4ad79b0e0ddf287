// rc's built-in commands: those that change or read the shell's own state. Each
// sets $status; usage errors and failures are one line on fd 2.
//
// rfork takes all of rc's letters, but only n (a copy of the namespace), N (a
// fresh one) and m (RFNOMNT: nothing new may be attached) change anything:
// variables are already per process here, and there are no note groups or fd
// groups to leave. echo is not here: it is /bin/echo. flag reads and sets rc's
// flags, the shell's own among them: e (a failed command ends the shell), x
// (each command is printed before it runs), i (interactive) and c (-c).
import { errorText } from '../error.ts';
import { apply, parseOp, type NsOp } from '../ns/text.ts';
import type { Cmd, Word } from './ast.ts';
import { Exit } from './control.ts';
import { absolute, lookup, readFile } from './files.ts';
import type { Shell } from './interp.ts';
import { print, printWord } from './print.ts';
import type { Proc } from './proc.ts';

export type Builtin = (sh: Shell, p: Proc, argv: string[]) => Promise<void>;

const dec = new TextDecoder();
const lit = (text: string): Word => ({ type: 'lit', text, quoted: false });

async function fail(sh: Shell, p: Proc, message: string, status = message): Promise<void> {
  await sh.print(p, 2, `${message}\n`);
  p.status = status;
}

async function cd(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  if (argv.length > 2) return fail(sh, p, 'usage: cd [directory]');
  const dir = argv[1] ?? p.get('home')[0];
  if (dir === undefined) return fail(sh, p, 'cd: no home directory', "can't cd");
  const direct = dir.startsWith('/') || dir === '.' || dir === '..' || dir.startsWith('./') || dir.startsWith('../');
  const cdpath = direct ? [''] : p.get('cdpath').length ? p.get('cdpath') : [''];
  let why = 'file does not exist';
  for (const base of cdpath) {
    const abs = absolute(p.cwd, base === '' ? dir : `${base}/${dir}`);
    try {
      const c = await lookup(p.space.ns, abs);
      if (c.file.qid.type !== 'dir') { why = 'not a directory'; continue; }
      p.cwd = abs;
      // like rc, say where we went when $cdpath took us somewhere else
      if (base !== '' && base !== '.') await sh.print(p, 1, `${abs}\n`);
      p.status = '';
      return;
    } catch (e) {
      why = errorText(e);
    }
  }
  return fail(sh, p, `cd: ${dir}: ${why}`, "can't cd");
}

/** bind, mount and unmount: the namespace(6) operations on the shell's namespace, parsed as its text is. */
function nsOp(op: NsOp['op']): Builtin {
  return async (sh, p, argv) => {
    let parsed: NsOp;
    try { parsed = parseOp([op, ...argv.slice(1)]); } catch (e) { return fail(sh, p, errorText(e)); }
    const { flags, args } = parsed;
    // paths are the shell's, relative to its directory; devices ('#c') and addresses stay as they are
    const path = (s: string) => (s.startsWith('#') ? s : absolute(p.cwd, s));
    const resolved = op === 'mount' ? [args[0]!, path(args[1]!), ...args.slice(2)] : args.map(path);
    try {
      await apply(p.space.ns, { op, flags, args: resolved }, { makeMountPoint: p.space.makeMountPoint, dial: sh.kernel.host.dial });
      p.status = '';
    } catch (e) {
      return fail(sh, p, `${op}: ${errorText(e).replace(`${op}: `, '')}`);
    }
  };
}

async function rfork(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  const flags = argv[1] ?? 'ens';
  if (argv.length > 2 || !/^[nNeEsfFm]*$/.test(flags)) return fail(sh, p, 'usage: rfork [nNeEsfFm]');
  for (const f of flags) {
    if (f === 'n') p.space = { ns: p.space.ns.fork(), makeMountPoint: p.space.makeMountPoint };
    else if (f === 'N') p.space = sh.freshSpace();
    else if (f === 'm') p.space.ns.noAttach = true;
  }
  p.status = '';
}

/** wait pid: for that job, its status the status; wait: for every job, the status left as it was (as rc). */
async function wait(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  const all = argv.length === 1;
  const pids = all ? [...sh.jobs.keys()] : argv.slice(1).map(Number);
  const before = p.status;
  p.status = '';
  for (const pid of pids) {
    const job = sh.jobs.get(pid);
    if (!job) { await fail(sh, p, `wait: ${pid}: no such process`); continue; }
    const status = await sh.interruptible(p, job);
    sh.jobs.delete(pid);
    p.status = status;
  }
  if (all) p.status = before;
}

async function shift(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  const n = argv.length > 1 ? Number(argv[1]) : 1;
  if (argv.length > 2 || !Number.isInteger(n) || n < 0) return fail(sh, p, 'usage: shift [n]');
  const all = p.get('*');
  if (n > all.length) return fail(sh, p, `shift: $* has only ${all.length} elements`);
  p.set('*', all.slice(n));
  p.status = '';
}

async function ns(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  if (argv.length > 2) return fail(sh, p, 'usage: ns [pid]');
  let text = p.space.ns.text();
  if (argv[1] !== undefined) {
    const pid = Number(argv[1]);
    const vm = sh.kernel.procs.get(pid);
    // a VM of the group with its host paths; the shell and its jobs as /proc shows them
    const other = vm ? undefined : [...sh.kernel.procInfo(sh.group)].find(x => x.pid === pid);
    if (vm ? vm.group !== sh.group : !other) return fail(sh, p, `ns: ${argv[1]}: no such process`);
    text = vm ? vm.ns.text() : other!.ns();
  }
  await sh.print(p, 1, text);
  p.status = '';
}

/** flag f: is f set; flag f + and flag f -: set and clear it (the status stays). */
async function flag(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  const [, f, op] = argv;
  if (argv.length === 2 && f) {
    p.status = p.flags.has(f[0]!) ? '' : 'flag not set';
  } else if (argv.length === 3 && f?.length === 1 && (op === '+' || op === '-')) {
    if (op === '+') p.flags.add(f); else p.flags.delete(f);
  } else {
    return fail(sh, p, 'usage: flag [letter] [+-]');
  }
}

async function dot(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  const args = argv.slice(1);
  if (args[0] === '-i') args.shift();
  if (!args.length) return fail(sh, p, 'usage: . [-i] file [arg ...]');
  let text: string;
  try {
    const found = await sh.find(p, args[0]!);
    if (!found) return fail(sh, p, `.: ${args[0]}: file does not exist`);
    text = dec.decode(await readFile(found.file));
  } catch (e) {
    return fail(sh, p, `.: ${args[0]}: ${errorText(e)}`);
  }
  const old = p.vars.get('*');
  p.set('*', args.slice(1));
  try {
    await sh.runText(p, text);
  } finally {
    p.restore('*', old);
  }
}

async function whatis(sh: Shell, p: Proc, argv: string[]): Promise<void> {
  p.status = '';
  for (const name of argv.slice(1)) {
    const v = p.vars.get(name);
    const fn = p.fns.get(name);
    let found = false;
    if (v !== undefined) {
      const value = v.length === 1 ? printWord(lit(v[0]!)) : printWord({ type: 'list', items: v.map(lit) });
      await sh.print(p, 1, `${printWord(lit(name))}=${value}\n`);
      found = true;
    }
    if (fn) {
      const def: Cmd = { type: 'fn', names: [lit(name)], body: fn };
      await sh.print(p, 1, print([def]));
      found = true;
    } else if (builtins.has(name)) {
      await sh.print(p, 1, `builtin ${name}\n`);
      found = true;
    } else if (v === undefined) {
      let why = 'not found';
      try {
        const f = await sh.find(p, name);
        if (f) { await sh.print(p, 1, `${f.path}\n`); continue; }
      } catch (e) { why = errorText(e); }
      await fail(sh, p, `${name}: ${why}`, why);
      continue;
    }
    if (!found) await fail(sh, p, `${name}: not found`, 'not found');
  }
}

export const builtins: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['cd', cd],
  ['bind', nsOp('bind')],
  ['mount', nsOp('mount')],
  ['unmount', nsOp('unmount')],
  ['rfork', rfork],
  ['exit', async (_, p, argv) => { throw new Exit(argv.length > 1 ? argv.slice(1).join(' ') : p.status); }],
  ['wait', wait],
  ['shift', shift],
  ['ns', ns],
  ['.', dot],
  ['eval', async (sh, p, argv) => { p.status = ''; await sh.runText(p, argv.slice(1).join(' ')); }],
  ['whatis', whatis],
  ['flag', flag],
  ['builtin', async (sh, p, argv) => {
    if (argv.length < 2) return fail(sh, p, 'builtin: empty argument list', 'empty arg list');
    await sh.command(p, argv.slice(1), true);
  }],
  ['exec', async (sh, p, argv) => {
    if (argv.length > 1) await sh.command(p, argv.slice(1), true);
    throw new Exit(p.status);
  }],
]);

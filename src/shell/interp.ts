// The rc interpreter: runs the tree parse.ts builds with rc(1)'s semantics.
//
// A script is read and run a line at a time. Words evaluate to lists of strings;
// ^ joins lists pairwise or distributes a single element; unquoted * ? [ are
// matched against the namespace after everything else. Every command that is not
// a function or a builtin is a VM running a wasm program found through $path in
// the shell's namespace (by the kernel's exec service, as goblin.spawn finds its), with the exported variables as its environment and the
// shell's descriptors as its stdio. Pipelines run their elements at once, each
// in a fork of the shell, joined by kernel pipes (so they stream, with
// backpressure, and a writer whose reader has gone gets EPIPE).
//
// Statuses are strings, as rc's: '' is success; a VM that exits with code n gives
// 'n'; a pipeline gives its elements' statuses joined by | (so '|' when all
// succeed).
//
// The shell is a process of its group: /proc shows it as `rc PID running`, and
// each background job as an rc of its own until the job's one command, a VM,
// takes its pid ($apid). Killing the shell through its ctl stops what it is
// running, as an interrupt does (fn sigint is not run); the shell goes on.
// Killing a job stops the job.
//
// Notes from outside (note()): an interrupt stops the foreground, a hangup or
// termination ends the shell, unless it has a function sigint, sighup or
// sigterm, which then runs between commands instead. fn sigexit runs when the
// shell ends (end()).
//
// BUGS: a wasm program's working directory is '/' unless its C library honours
// $PWD (which the shell exports); /env shows only the top shell's variables;
// background jobs are not waited for when the shell exits.
import { errorText, GoblinError } from '../error.ts';
import type { Handle } from '../fs/types.ts';
import type { Executable } from '../kernel/exec.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { source } from '../kernel/stdio.ts';
import type { Limits, ProcGroup } from '../kernel/vm.ts';
import type { Cmd, Pipe, Prefixed, Redir, Simple, Word } from './ast.ts';
import { builtins } from './builtins.ts';
import { Exit, Interrupted, Notes, RcError } from './control.ts';
import { absolute, open } from './files.ts';
import { glob } from './glob.ts';
import { Parser, ShellSyntaxError } from './parse.ts';
import { printWord } from './print.ts';
import { escape, isPattern, match, unquoted } from './pattern.ts';
import { holdAll, Proc, truthy } from './proc.ts';
import type { ApplianceWorld } from '../kernel/appliance.ts';
import { PipeDir, shellNamespace, type Rootfs, type ShellNs, type WorldOptions } from './rootfs.ts';
import { readAll, Shared, writeAll } from './shared.ts';

export { Proc, truthy } from './proc.ts';
export { Exit, Interrupted, Notes, RcError } from './control.ts';

/** What reaches the shell from outside: rc(1)'s notes, by the name of their function. */
export type Note = 'sigint' | 'sighup' | 'sigterm';

export interface ShellOptions {
  kernel: Kernel;
  /** the embedded userland, bound at /bin */
  rootfs: Rootfs;
  /** namespace(6) lines after the standard ones (host directories, mounts) */
  ns?: string;
  stdin?: Handle | null;
  stdout?: Handle | null;
  stderr?: Handle | null;
  /** variables to start with, as an environment: a list's elements joined by \x01 */
  env?: Record<string, string>;
  /** $* */
  args?: string[];
  /** the current directory (default /) */
  cwd?: string;
  /** limits for every VM the shell starts */
  limits?: Limits;
  /** the process group of its VMs (default: one of the shell's own) */
  group?: ProcGroup;
  /** rc's flags to start with, as letters: e (exit on failure), x (trace), and i and c as rc sets them */
  flags?: string;
  /** an appliance's world to live in (kernel/appliance.ts applianceWorld): its image is the root */
  image?: Pick<ApplianceWorld, 'before' | 'after' | 'device'>;
}

/** A word's value element: its text, and its pattern form when it has an unquoted metacharacter. */
interface Item { s: string; pat: string | null }

const plain = (s: string): Item => ({ s, pat: null });
const lit = (text: string): Word => ({ type: 'lit', text, quoted: false });
const dec = new TextDecoder();
const enc = new TextEncoder();

function join(x: Item, y: Item): Item {
  const pat = x.pat === null && y.pat === null ? null : (x.pat ?? escape(x.s)) + (y.pat ?? escape(y.s));
  return { s: x.s + y.s, pat };
}

/** rc's ^: pairwise for lists of one length, else one side must be a single element. */
function concat(a: Item[], b: Item[]): Item[] {
  if (a.length === b.length) return a.map((x, i) => join(x, b[i]!));
  if (!a.length || !b.length) throw new RcError('null list in concatenation');
  if (a.length === 1) return b.map(y => join(a[0]!, y));
  if (b.length === 1) return a.map(x => join(x, b[0]!));
  throw new RcError('mismatched list lengths in concatenation');
}

/** $x(n), $x(n-m), $x(n-): origin 1; what is out of range is left out. */
function subscript(v: string[], subs: string[]): string[] {
  const out: string[] = [];
  for (const s of subs) {
    const m = /^(\d+)(?:-(\d*))?$/.exec(s);
    if (!m) throw new RcError(`bad subscript: ${s}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '' ? v.length : Number(m[2]);
    for (let i = Math.max(a, 1); i <= Math.min(b, v.length); i++) out.push(v[i - 1]!);
  }
  return out;
}

/** Variables a program sees in its environment (rc exports every non-empty one). */
export function exportable(name: string, value: string[]): boolean {
  return value.length > 0 && name !== '' && name !== '*' && !name.includes('=') && !name.includes('\0');
}

/** Function calls one process may nest (rc has no bound but its stack; this is ours). */
const MAX_DEPTH = 5000;

const nameChars = /\$([^\0- !"#$%&'()+,\-./:;<=>?@[\\\]^`{|}~]+)\^?/g;

export class Shell {
  readonly kernel: Kernel;
  /** the shell's own process: what a script or the prompt runs in */
  readonly top: Proc;
  /** this shell's process id ($pid) */
  readonly pid: number;
  /** the process group of the VMs it starts: they see each other (and nothing else) in /proc */
  readonly group: ProcGroup;
  /** background jobs by $apid, kept until waited for */
  readonly jobs = new Map<number, Promise<string>>();
  readonly limits: Limits | undefined;
  /** set when `exit` ran in the shell itself, or a note ended it */
  exited = false;
  /** the status the shell ended with, once it has (sigexit then ran, or is not to) */
  private ended: string | null = null;
  private running = 0;
  /** runs, one after another */
  private queue: Promise<unknown> = Promise.resolve();
  /** the foreground's note group; a new one after each stop */
  private fg = new Notes();
  /** notes whose functions are to run, between commands of the shell itself */
  private readonly pending: Note[] = [];
  private readonly unregister: () => void;
  private readonly pipes: PipeDir;
  private readonly world: WorldOptions;

  constructor(o: ShellOptions) {
    this.kernel = o.kernel;
    this.limits = o.limits;
    this.pid = o.kernel.newPid();
    this.group = o.group ?? o.kernel.group('sh');
    const clock = (): bigint => BigInt(Date.now()) * 1_000_000n;
    this.pipes = new PipeDir(clock);
    this.world = {
      kernel: o.kernel, rootfs: o.rootfs, pipes: this.pipes, text: o.ns, group: this.group, image: o.image,
      console: () => ({ input: o.stdin ?? null, output: o.stdout ?? null }),
      env: this.envView(),
    };
    const vars = new Map<string, string[]>();
    for (const [k, v] of Object.entries(o.env ?? {})) vars.set(k, v.split('\x01'));
    const defaults: [string, string[]][] = [
      ['path', ['.', '/bin']], ['ifs', [' \t\n']], ['prompt', ['; ', '\t']], ['home', ['/']],
    ];
    for (const [k, v] of defaults) if (!vars.has(k)) vars.set(k, v);
    vars.set('pid', [String(this.pid)]);
    vars.set('*', o.args ?? []);
    vars.set('status', ['']);
    const fds = new Map<number, Shared>();
    [o.stdin, o.stdout, o.stderr].forEach((h, fd) => { if (h) fds.set(fd, new Shared(h)); });
    this.top = new Proc({
      vars, fns: new Map(), fds, cwd: o.cwd ?? '/', space: shellNamespace(this.world),
      notes: this.fg, flags: new Set(o.flags ?? ''),
    });
    this.unregister = o.kernel.register({
      pid: this.pid, group: this.group, name: 'rc',
      state: () => this.running ? 'running' : 'waiting',
      ns: () => this.top.space.ns,
      kill: () => { if (this.running) this.fg.stop('killed'); },
    });
  }

  /** The top shell's variables as the Map /env serves (envFs needs only these five methods). */
  private envView(): Map<string, string> {
    const vars = () => this.top.vars;
    const view = {
      get: (k: string) => { const v = vars().get(k); return v && exportable(k, v) ? v.join('\x01') : undefined; },
      has: (k: string) => view.get(k) !== undefined,
      set: (k: string, v: string) => { this.top.set(k, v.split('\x01')); return view; },
      delete: (k: string) => { const had = view.has(k); this.top.restore(k, undefined); return had; },
      keys: () => [...vars()].filter(([k, v]) => exportable(k, v)).map(([k]) => k)[Symbol.iterator](),
    };
    return view as unknown as Map<string, string>;
  }

  /** A namespace as the shell starts with (for `rfork N`). */
  freshSpace(): ShellNs { return shellNamespace(this.world); }

  get status(): string { return this.top.status; }

  /**
   * Runs a script in the shell itself, a line at a time, once the runs before it
   * are done. A syntax error, an rc error or an interrupt stops it (reported on
   * fd 2); `exit` sets `exited`. Resolves with $status.
   */
  run(src: string): Promise<string> {
    return this.session(p => this.runText(p, src));
  }

  /** Runs f in the shell itself, after the runs before it, then the notes' functions due. */
  private session(f: (p: Proc) => Promise<void>): Promise<string> {
    const done = this.queue.then(async () => {
      const p = this.top;
      this.running++;
      try {
        await f(p);
        await this.traps(p);
      } catch (e) {
        if (e instanceof Exit) { this.exited = true; p.status = e.status; } else await this.caught(p, e);
      } finally {
        this.running--;
        if (this.fg.stopped !== null) p.notes = this.fg = new Notes();
      }
      return p.status;
    });
    this.queue = done.catch(() => {});
    return done;
  }

  /**
   * The shell ends (its script or input is over, or `exit` ran): runs fn sigexit,
   * once, with $status what the shell ends with, and answers that status, which
   * sigexit does not change.
   */
  async end(): Promise<string> {
    await this.queue;
    if (this.ended === null) {
      const status = this.ended = this.top.status;
      const fn = this.top.fns.get('sigexit');
      if (fn) await this.session(p => this.callFn(p, fn, p.get('*')));
      return status;
    }
    return this.ended;
  }

  /**
   * A note from outside: rc(1)'s sigint, sighup or sigterm. With a function of
   * that name the shell runs it between commands (at once when idle) and goes on;
   * an interrupt still kills the foreground's VMs. Without one, an interrupt
   * stops the foreground, and a hangup or termination stops it and ends the
   * shell, without sigexit, as rc does: the answer is then true, and the
   * embedder ends the session.
   */
  note(name: Note): boolean {
    if (this.top.fns.has(name)) {
      if (name === 'sigint') this.fg.killVms();
      this.pending.push(name);
      if (!this.running) void this.session(async () => {});
      return false;
    }
    if (this.running) this.fg.stop(name === 'sigint' ? 'interrupted' : name === 'sighup' ? 'hangup' : 'terminated');
    if (name === 'sigint') return false;
    this.exited = true;
    this.ended ??= this.top.status;
    return true;
  }

  /** An interrupt (Ctrl-C): note('sigint'). Background jobs go on. */
  interrupt(): void {
    this.note('sigint');
  }

  /** Settles when every run so far, and the notes' functions, are done. */
  async idle(): Promise<void> { await this.queue; }

  /** Lets go of the shell's descriptors, and of its place in /proc. */
  close(): void {
    this.unregister();
    this.top.closeAll();
  }

  /**
   * Runs the functions of the notes that came, in the shell itself only (rc runs
   * traps in its own process). $status is put back after: rc runs them while it
   * waits for a command, whose status then comes last.
   */
  private async traps(p: Proc): Promise<void> {
    while (p === this.top && this.pending.length) {
      const fn = p.fns.get(this.pending.shift()!);
      if (!fn) continue;
      const status = p.status;
      await this.callFn(p, fn, p.get('*'));
      p.status = status;
    }
  }

  // ---- running text and commands

  /** Parses and runs src a line at a time in p; a syntax error is an RcError. */
  async runText(p: Proc, src: string): Promise<void> {
    const parser = new Parser(src);
    for (;;) {
      let line: Cmd[] | null;
      try {
        line = parser.nextLine();
      } catch (e) {
        if (e instanceof ShellSyntaxError) throw new RcError(e.message.replace(/^rc: /, ''));
        throw e;
      }
      if (!line) return;
      await this.cmds(p, line);
    }
  }

  async cmds(p: Proc, cmds: Cmd[]): Promise<void> {
    for (const c of cmds) {
      this.check(p);
      if (this.pending.length) await this.traps(p);
      await this.exec(p, c);
    }
  }

  private check(p: Proc): void {
    if (p.notes.stopped !== null) throw new Interrupted(p.notes.stopped);
  }

  /** Waits for x, unless an interrupt or kill reaches p first. */
  interruptible<T>(p: Proc, x: Promise<T>): Promise<T> {
    return p.notes.race(x);
  }

  /** Runs f as a condition: -e does not end the shell when it fails. */
  private async condition(p: Proc, f: () => Promise<void>): Promise<void> {
    p.cond++;
    try { await f(); } finally { p.cond--; }
  }

  /** -e: a command that fails outside a condition ends the shell, or the fork it runs in (rc(1)). */
  private eflag(p: Proc, status = p.status): void {
    if (p.flags.has('e') && p.cond === 0 && !truthy(status)) throw new Exit(status);
  }

  async exec(p: Proc, c: Cmd): Promise<void> {
    const mark = p.cleanups.length;
    try {
      await this.exec1(p, c);
    } finally {
      while (p.cleanups.length > mark) await p.cleanups.pop()!();
    }
    this.check(p);
  }

  private async exec1(p: Proc, c: Cmd): Promise<void> {
    switch (c.type) {
      case 'simple': return this.simple(p, c);
      case 'block': return this.withRedirs(p, c.redirs, () => this.cmds(p, c.body));
      case 'pipe': return this.pipeline(p, c);
      case 'and': case 'or':
        await this.condition(p, () => this.exec(p, c.left));
        if (truthy(p.status) === (c.type === 'and')) await this.exec(p, c.right);
        return;
      case 'not':
        await this.exec(p, c.cmd);
        p.status = truthy(p.status) ? 'false' : '';
        return;
      case 'subshell': {
        const q = p.fork();
        p.status = await this.runIn(q, () => this.exec(q, c.cmd));
        this.eflag(p);
        return;
      }
      case 'prefixed': return this.prefixed(p, c);
      case 'if': {
        if (c.cond.length) await this.condition(p, () => this.cmds(p, c.cond)); else p.status = '';
        const ok = truthy(p.status);
        if (ok) await this.exec(p, c.then);
        p.ifFailed = !ok;
        return;
      }
      case 'ifnot':
        if (p.ifFailed) await this.exec(p, c.then);
        return;
      case 'for': {
        const name = await this.name(p, c.name);
        const list = c.list ? await this.args(p, c.list) : p.get('*');
        for (const v of list) {
          this.check(p);
          p.set(name, [v]);
          await this.exec(p, c.body);
        }
        return;
      }
      case 'while':
        for (;;) {
          this.check(p);
          if (c.cond.length) await this.condition(p, () => this.cmds(p, c.cond)); else p.status = '';
          if (!truthy(p.status)) return;
          await this.exec(p, c.body);
        }
      case 'switch': {
        const subject = (await this.items(p, [c.subject])).map(i => i.s).join(' ');
        for (const k of c.cases) {
          if ((await this.items(p, k.patterns)).some(pt => match(pt.pat ?? escape(pt.s), subject))) {
            await this.cmds(p, k.body);
            return;
          }
        }
        return;
      }
      case 'match': {
        const subject = (await this.items(p, [c.subject])).map(i => i.s).join(' ');
        const pats = await this.items(p, c.patterns);
        p.status = pats.some(pt => match(pt.pat ?? escape(pt.s), subject)) ? '' : 'no match';
        this.eflag(p);
        return;
      }
      case 'fn': {
        for (const name of (await this.items(p, c.names)).map(i => i.s)) {
          if (c.body) p.fns.set(name, c.body); else p.fns.delete(name);
        }
        p.status = '';
        return;
      }
      case 'async': {
        // a job is a note group of its own, in /proc as an rc until its one command takes the pid
        const q = p.fork(new Notes());
        const pid = this.kernel.newPid();
        if (c.cmd.type === 'simple' || (c.cmd.type === 'prefixed' && c.cmd.cmd?.type === 'simple')) q.execPid = pid;
        const gone = this.kernel.register({
          pid, group: this.group, name: 'rc', state: () => 'running',
          ns: () => q.space.ns, kill: () => q.notes.stop('killed'),
        });
        this.jobs.set(pid, this.runIn(q, () => this.exec(q, c.cmd)).finally(gone));
        p.set('apid', [String(pid)]);
        return;
      }
    }
  }

  /** Runs f in the fork q and lets go of q's descriptors; answers q's status. */
  async runIn(q: Proc, f: () => Promise<void>): Promise<string> {
    try {
      await f();
    } catch (e) {
      await this.caught(q, e);
    } finally {
      q.closeAll();
    }
    return q.status;
  }

  /** What ends a run early and is not a bug: exit, an interrupt, an error (printed). */
  private async caught(p: Proc, e: unknown): Promise<void> {
    if (e instanceof Exit) { p.status = e.status; return; }
    if (e instanceof Interrupted) { p.status = e.why; return; }
    if (e instanceof RcError || e instanceof GoblinError) {
      await this.warn(p, e.message);
      p.status = e.message;
      return;
    }
    throw e;
  }

  private async simple(p: Proc, c: Simple): Promise<void> {
    const argv = await this.args(p, c.words);
    // -x: the command as it runs, before its redirections (as rc)
    if (p.flags.has('x') && argv.length) await this.print(p, 2, argv.map(a => printWord(lit(a))).join(' ') + '\n');
    await this.withRedirs(p, c.redirs, async () => {
      if (argv.length) await this.command(p, argv); else p.status = '';
    });
    this.eflag(p);
  }

  /** Runs a command by name: a function, a builtin, or a program. */
  async command(p: Proc, argv: string[], noFn = false): Promise<void> {
    const name = argv[0]!;
    const execPid = p.execPid; // only a job's own command takes its pid
    p.execPid = null;
    const fn = noFn ? undefined : p.fns.get(name);
    if (fn) return this.callFn(p, fn, argv.slice(1));
    const b = builtins.get(name);
    if (b) return b(this, p, argv);
    return this.external(p, argv, execPid);
  }

  private async callFn(p: Proc, body: Cmd[], args: string[]): Promise<void> {
    if (p.depth >= MAX_DEPTH) throw new RcError('function calls nested too deeply');
    const old = p.vars.get('*');
    p.set('*', args);
    p.depth++;
    try {
      await this.cmds(p, body);
    } finally {
      p.depth--;
      p.restore('*', old);
    }
  }

  private async external(p: Proc, argv: string[], pid: number | null): Promise<void> {
    const name = argv[0]!;
    // an interrupt while the program is found and compiled is this command's, as if it had been running
    const interrupts = p.notes.interrupts;
    let bytes: Uint8Array;
    try {
      ({ bytes } = await this.kernel.exec.load(p.space.ns, name, this.search(p)));
    } catch (e) {
      const notFound = e instanceof GoblinError && e.errno === 'ENOENT';
      const why = notFound ? 'not found' : errorText(e);
      await this.warn(p, `${name}: ${why}`);
      p.status = why;
      return;
    }
    if (bytes[0] === 0x23 && bytes[1] === 0x21) { // #!: an rc script, run in a fork with $* its arguments
      const q = p.fork();
      q.set('*', argv.slice(1));
      p.status = await this.runIn(q, () => this.runText(q, dec.decode(bytes)));
      return;
    }
    let program;
    try {
      program = await this.kernel.compile(bytes, { maxMemory: this.limits?.maxMemory });
    } catch (e) {
      await this.warn(p, `${name}: ${errorText(e)}`);
      p.status = 'exec format error';
      return;
    }
    this.check(p); // stopped while the program loaded
    const stdio = [0, 1, 2].map(fd => p.fds.get(fd)?.lend() ?? null);
    const vm = this.kernel.spawn({
      module: program, args: argv, env: this.environ(p), namespace: p.space.ns,
      stdin: stdio[0], stdout: stdio[1], stderr: stdio[2], limits: this.limits, group: this.group,
      name: name.slice(name.lastIndexOf('/') + 1), pid: pid ?? undefined,
    });
    p.notes.vms.add(vm);
    if (p.notes.interrupts !== interrupts) vm.kill('killed');
    let st;
    try {
      st = await vm.exit;
    } finally {
      p.notes.vms.delete(vm);
    }
    if (st.message && st.reason !== 'killed') await this.print(p, 2, `${name}: ${st.message}\n`);
    p.status = st.code === 0 ? '' : String(st.code);
  }

  /** The environment of a program: exported variables, lists joined by \x01, and PWD. */
  private environ(p: Proc): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of p.vars) if (exportable(k, v)) env.set(k, v.join('\x01'));
    env.set('PWD', p.cwd);
    return env;
  }

  /** Where a command name is looked for: the current directory and $path (kernel/exec.ts has the rule). */
  private search(p: Proc): { cwd: string; path: string[] } {
    return { cwd: p.cwd, path: p.get('path') };
  }

  /** The file a command name runs, or null when there is none (ENOENT); other failures are thrown. */
  async find(p: Proc, name: string): Promise<Executable | null> {
    try {
      return await this.kernel.exec.find(p.space.ns, name, this.search(p));
    } catch (e) {
      if (e instanceof GoblinError && e.errno === 'ENOENT') return null;
      throw e;
    }
  }

  private async pipeline(p: Proc, c: Pipe): Promise<void> {
    const elems: Cmd[] = [];
    const links: { leftFd: number; rightFd: number }[] = [];
    let x: Cmd = c;
    for (; x.type === 'pipe'; x = x.left) {
      elems.unshift(x.right);
      links.unshift({ leftFd: x.leftFd, rightFd: x.rightFd });
    }
    elems.unshift(x);
    const procs = elems.map(() => p.fork());
    links.forEach((l, i) => {
      const pipe = this.kernel.pipe();
      procs[i]!.setFd(l.leftFd, new Shared(pipe.writer()));
      procs[i + 1]!.setFd(l.rightFd, new Shared(pipe.reader()));
    });
    const statuses = await Promise.all(procs.map((q, i) => this.runIn(q, () => this.exec(q, elems[i]!))));
    p.status = statuses.join('|');
    // rc runs a pipeline's last command itself: under -e its failure ends the shell
    this.eflag(p, statuses[statuses.length - 1]);
  }

  private async prefixed(p: Proc, c: Prefixed): Promise<void> {
    const saved = p.fds;
    let swapped = false;
    const locals: [string, string[] | undefined][] = [];
    try {
      for (const x of c.prefix) {
        if (x.type === 'assign') {
          const name = await this.name(p, x.name);
          const value = await this.args(p, [x.value]);
          if (c.cmd) locals.push([name, p.vars.get(name)]);
          p.set(name, value);
          continue;
        }
        if (!swapped) { p.fds = holdAll(saved); swapped = true; }
        if (!await this.redirect(p, x)) return;
      }
      if (c.cmd) await this.exec(p, c.cmd);
    } finally {
      if (swapped) { p.closeAll(); p.fds = saved; }
      for (const [name, old] of locals.reverse()) p.restore(name, old);
    }
  }

  /** Runs body with redirections applied, then puts p's descriptors back. */
  private async withRedirs(p: Proc, redirs: Redir[], body: () => Promise<void>): Promise<void> {
    if (!redirs.length) return body();
    const saved = p.fds;
    p.fds = holdAll(saved);
    try {
      for (const r of redirs) if (!await this.redirect(p, r)) return;
      await body();
    } finally {
      p.closeAll();
      p.fds = saved;
    }
  }

  /** One redirection; false (with $status set and a message) when a file cannot be opened. */
  private async redirect(p: Proc, r: Redir): Promise<boolean> {
    switch (r.type) {
      case 'file': {
        const t = await this.args(p, [r.target]);
        if (t.length !== 1) throw new RcError(`${r.op} requires a single file name`);
        let h: Handle;
        try {
          h = await open(p.space.ns, absolute(p.cwd, t[0]!), r.op);
        } catch (e) {
          await this.warn(p, `can't open ${t[0]}: ${errorText(e)}`);
          p.status = `can't open ${t[0]}`;
          return false;
        }
        p.setFd(r.fd, new Shared(h));
        return true;
      }
      case 'heredoc': {
        const text = r.quoted ? r.body : r.body.replace(nameChars, (_, n: string) => p.get(n).join(' '));
        p.setFd(r.fd, new Shared(source(text)));
        return true;
      }
      case 'dup': {
        const f = p.fds.get(r.source);
        if (f) p.setFd(r.fd, f.hold()); else p.closeFd(r.fd);
        return true;
      }
      case 'close':
        p.closeFd(r.fd);
        return true;
    }
  }

  // ---- words

  private async word(p: Proc, w: Word): Promise<Item[]> {
    switch (w.type) {
      case 'lit': {
        if (w.quoted) return [plain(w.text)];
        const pat = unquoted(w.text);
        return [{ s: w.text, pat: isPattern(pat) ? pat : null }];
      }
      case 'var': {
        const v = p.get(await this.name(p, w.name));
        if (!w.subscript) return v.map(plain);
        return subscript(v, (await this.items(p, w.subscript)).map(i => i.s)).map(plain);
      }
      case 'count': return [plain(String(p.get(await this.name(p, w.name)).length))];
      case 'flat': return [plain(p.get(await this.name(p, w.name)).join(' '))];
      case 'concat': {
        let acc = await this.word(p, w.parts[0]!);
        for (const part of w.parts.slice(1)) acc = concat(acc, await this.word(p, part));
        return acc;
      }
      case 'list': return this.items(p, w.items);
      case 'backquote': return (await this.backquote(p, w.sep, w.body)).map(plain);
      case 'procsub': return [plain(this.procsub(p, w.dir, w.body))];
    }
  }

  private async items(p: Proc, ws: Word[]): Promise<Item[]> {
    const out: Item[] = [];
    for (const w of ws) out.push(...await this.word(p, w));
    return out;
  }

  /** A variable's (or function's) name: a word that must be one string. */
  private async name(p: Proc, w: Word): Promise<string> {
    const v = await this.word(p, w);
    if (v.length !== 1) throw new RcError('variable name not singleton');
    return v[0]!.s;
  }

  /** Words as arguments: evaluated, then unquoted patterns matched against the namespace. */
  private async args(p: Proc, ws: Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const it of await this.items(p, ws)) {
      if (it.pat === null) { out.push(it.s); continue; }
      const m = await glob(p.space.ns, p.cwd, it.pat);
      if (m.length) out.push(...m); else out.push(it.s);
    }
    return out;
  }

  /** `{cmds}: their output split at the characters of sep (default $ifs), empty fields dropped. */
  private async backquote(p: Proc, sepWord: Word | null, body: Cmd[]): Promise<string[]> {
    const seps = sepWord ? (await this.items(p, [sepWord])).map(i => i.s).join('') : p.get('ifs').join('');
    const pipe = this.kernel.pipe();
    const q = p.fork();
    q.cond++; // -e does not reach into `{}
    q.setFd(1, new Shared(pipe.writer()));
    const r = new Shared(pipe.reader());
    const done = this.runIn(q, () => this.cmds(q, body));
    let out: Uint8Array;
    try {
      out = await readAll(r);
    } finally {
      r.release();
    }
    p.status = await done;
    const text = dec.decode(out);
    if (!seps) return text ? [text] : [];
    const cut = new RegExp(`[${seps.replace(/[\\\]^-]/g, c => '\\' + c)}]`, 'u');
    return text.split(cut).filter(s => s !== '');
  }

  /** <{cmds} or >{cmds}: a pipe to or from cmds, named under /fd until the command using it ends. */
  private procsub(p: Proc, dir: '<' | '>', body: Cmd[]): string {
    const pipe = this.kernel.pipe();
    const r = new Shared(pipe.reader()), w = new Shared(pipe.writer());
    const q = p.fork();
    const [theirs, mine, fd] = dir === '<' ? [w, r, 1] : [r, w, 0];
    q.setFd(fd, theirs);
    const name = this.pipes.add(mine);
    mine.release();
    const done = this.runIn(q, () => this.cmds(q, body));
    p.cleanups.push(async () => { name.drop(); await done; });
    return name.path;
  }

  // ---- output

  /** Writes text to p's descriptor fd, if it has one; a closed pipe is not an error here. */
  async print(p: Proc, fd: number, text: string): Promise<void> {
    const f = p.fds.get(fd);
    if (!f) return;
    try { await writeAll(f, enc.encode(text)); } catch { /* nobody is listening */ }
  }

  /** `rc: message` on fd 2. */
  warn(p: Proc, message: string): Promise<void> {
    return this.print(p, 2, `rc: ${message}\n`);
  }
}

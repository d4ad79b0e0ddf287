// `goblin sh`: the rc shell in the embedded rootfs, on the host's terminal.
//   goblin sh -c 'CMD' [ARGS]   run CMD, $* = ARGS
//   goblin sh SCRIPT [ARGS]     run a host file
//   goblin sh, goblin           interactive when stdin is a terminal (else stdin is the script)
//   -e, -x                      rc's flags: a failed command ends the shell; print each command
// The exit code is the last status: 0 when it is true, the number when it is
// one, else 1. fn sigexit runs at the end. SIGINT, SIGHUP and SIGTERM are the
// shell's notes sigint, sighup and sigterm: with a function of that name it runs
// and the shell goes on; without one SIGINT interrupts an interactive shell and
// each ends a script, and SIGHUP and SIGTERM end the shell (128 + the signal).
//
// Interactively, the prompt line is read with node:readline (editing, Tab
// completes file and command names in the shell's namespace, history kept in
// $XDG_STATE_HOME/goblin/history, default ~/.local/state). While a command runs,
// Ctrl-C kills the foreground VMs; a VM that reads the terminal gets one
// readline-edited line per read, and Ctrl-D on an empty line is its end of file.
// Ctrl-D at the prompt leaves the shell. Ctrl-Z does nothing: there is no job
// control (a stopped goblin would hold the terminal raw).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { GoblinError } from '../error.ts';
import { HandleBase } from '../fs/defaults.ts';
import { Kernel } from '../wasi/kernel.ts';
import { NsTextError } from '../ns/text.ts';
import { complete } from '../shell/complete.ts';
import { Shell, truthy, type Note } from '../shell/interp.ts';
import { parse, ShellSyntaxError } from '../shell/parse.ts';
import { HostFs } from './hostfs.ts';
import { clientCredentials } from './auth-options.ts';
import { type MountOptions, dialOnDemand } from './dial.ts';
import { nodeRootfs } from './rootfs.ts';
import { hostInput, hostOutput } from './stdio.ts';
import { envOf, limitsOf, nsOf, type WorldFlags } from './options.ts';

/** A shell status as a process exit code. */
export function exitCode(status: string): number {
  if (truthy(status)) return 0;
  if (/^\d+$/.test(status)) return Math.min(Number(status), 255) || 1;
  return 1;
}

export interface ShOptions extends WorldFlags { command?: string; e?: boolean; x?: boolean }

/** `goblin sh` (registered in shell-cmd.ts). */
export async function shellMain(script: string | undefined, args: string[], o: ShOptions): Promise<void> {
  // `goblin NAME` runs NAME as a script only when it is one: a mistyped command says so
  if (script !== undefined && o.command === undefined && process.argv[2] !== 'sh' && !existsSync(script)) {
    process.stderr.write(`goblin: ${script}: no such command or script (goblin --help lists the commands)\n`);
    process.exit(2);
  }
  const env = envOf(o);
  let ns: string;
  let creds: MountOptions;
  try {
    ns = nsOf(o);
    creds = clientCredentials(o);
  } catch (e) {
    process.stderr.write(`goblin: ${(e as Error).message}\n`);
    process.exit(2);
  }
  // one user's own session: its /proc may show the host paths it was given
  const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), dial: dialOnDemand(creds).dial, showHostPaths: true });
  const interactive = o.command === undefined && script === undefined && !!process.stdin.isTTY;
  const flags = (o.e ? 'e' : '') + (o.x ? 'x' : '') + (o.command !== undefined ? 'c' : '') + (interactive ? 'i' : '');
  const con = interactive ? new Terminal() : null;
  let sh: Shell;
  try {
    sh = new Shell({
      kernel, rootfs: nodeRootfs(), ns, env, limits: limitsOf(o), flags,
      stdin: con?.input ?? hostInput(0), stdout: hostOutput(1), stderr: hostOutput(2),
      args: o.command !== undefined ? [...(script === undefined ? [] : [script]), ...args] : args,
    });
  } catch (e) {
    const why = e instanceof NsTextError ? `namespace: ${e.message}` : e instanceof GoblinError ? e.message : String(e);
    process.stderr.write(`goblin: ${why}\n`);
    process.exit(2);
  }
  if (con) {
    con.complete = line => complete(sh, line);
    process.exit(await repl(sh, con));
  }
  for (const [signal, note] of NOTES) {
    // with its function the note runs it; without, a script ends as the signal would end it
    process.on(signal, () => { if (!sh.top.fns.has(note) || sh.note(note)) process.exit(128 + constants.signals[signal]); });
  }
  let src: string;
  if (o.command !== undefined) src = o.command;
  else {
    try {
      src = readFileSync(script ?? 0, 'utf8');
    } catch (e) {
      process.stderr.write(`goblin: ${script ?? 'stdin'}: ${(e as Error).message.replace(/^\w+: /, '')}\n`);
      process.exit(2);
    }
  }
  await sh.run(src);
  process.exit(exitCode(await sh.end()));
}

/** The signals that are the shell's notes. */
const NOTES: [NodeJS.Signals, Note][] = [['SIGINT', 'sigint'], ['SIGHUP', 'sighup'], ['SIGTERM', 'sigterm']];

/** Where the interactive shell keeps its history: $XDG_STATE_HOME/goblin/history. */
export function historyFile(): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'goblin', 'history');
}

/** Lines of history kept, in readline and in the file. */
const HISTORY = 1000;

const INTERRUPTED = Symbol('interrupted');
type Line = string | null | typeof INTERRUPTED;

/**
 * The terminal, in raw mode for the whole session: the shell is its line
 * discipline, as Plan 9's window system is. One readline edits every line typed,
 * whoever reads it: the prompt, or a VM reading its standard input. Lines typed
 * ahead wait for the next reader, as a terminal's would. Ctrl-D on an empty line
 * is an end of file for that reader; Ctrl-C at the prompt drops the line, and
 * while a command runs it never reaches readline: it interrupts the command.
 * Ctrl-Z never reaches it either (readline would stop the process). Tab
 * completes at the prompt (complete) and is a tab for a VM.
 *
 * The prompt's lines are the history, kept in a file (historyFile()) from one
 * session to the next; a session writes it whenever it takes a line.
 */
class Terminal {
  readonly input: TtyInput;
  onInterrupt: () => void = () => {};
  /** what Tab at the prompt offers for the line so far */
  complete: (line: string) => Promise<[string[], string]> = async line => [[], line];
  private readonly keys = new PassThrough();
  private readonly rl: Interface;
  private readonly historyPath = historyFile();
  private history: string[];
  private readonly typedAhead: Line[] = [];
  /** readers waiting for a line; `prompt` marks the shell's own */
  private readonly waiters: { resolve: (l: Line) => void; prompt: boolean }[] = [];
  private readonly watchers: (() => void)[] = [];

  constructor() {
    this.input = new TtyInput(this);
    this.history = loadHistory(this.historyPath);
    this.rl = createInterface({
      input: this.keys, output: process.stdout, terminal: true, prompt: '',
      history: this.history, historySize: HISTORY,
      completer: (line: string, done: (e: Error | null, r: [string[], string]) => void) => {
        // a VM reading the terminal gets its tab; typed ahead, it completes for the prompt
        if (this.waiters.length && !this.waiters[0]!.prompt) { done(null, [['\t'], '']); return; }
        this.complete(line).then(r => done(null, r), () => done(null, [[], line]));
      },
    });
    this.rl.on('history', (h: string[]) => { this.history = h; });
    this.rl.on('line', l => this.deliver(l));
    this.rl.on('SIGINT', () => this.dropLine());
    process.stdin.setRawMode(true);
    process.stdin.on('data', (b: Buffer) => this.typed(b));
    process.stdin.on('end', () => this.deliver(null));
    process.stdin.resume();
  }

  /** The next line, prompting with prompt when none was typed ahead (null: no prompt). */
  next(prompt: string | null): Promise<Line> {
    let line: Promise<Line>;
    if (this.typedAhead.length) line = Promise.resolve(this.typedAhead.shift()!);
    else {
      this.rl.setPrompt(prompt ?? '');
      if (prompt !== null) this.rl.prompt();
      line = new Promise(resolve => this.waiters.push({ resolve, prompt: prompt !== null }));
    }
    return prompt === null ? line : line.then(l => { if (typeof l === 'string') this.saveHistory(); return l; });
  }

  /** Writes the history, oldest line first (a failure, a read-only home say, is not the session's). */
  private saveHistory(): void {
    try {
      mkdirSync(dirname(this.historyPath), { recursive: true, mode: 0o700 });
      writeFileSync(this.historyPath, this.history.slice(0, HISTORY).reverse().map(l => l + '\n').join(''), { mode: 0o600 });
    } catch { /* no history kept */ }
  }

  /** Whether a line is waiting to be read. */
  hasLine(): boolean { return this.typedAhead.length > 0; }

  /** Settles when a line is waiting (for poll). */
  whenLine(): Promise<void> {
    if (this.typedAhead.length) return Promise.resolve();
    this.rl.setPrompt('');
    return new Promise(resolve => this.watchers.push(resolve));
  }

  /** A line went to a program, not to the shell: keep it out of the history. */
  forget(line: string): void {
    if (this.history[0] === line) this.history.shift();
  }

  /** Ends every wait for a line (their reader is gone). */
  cancel(): void {
    for (const w of this.waiters.splice(0)) w.resolve(INTERRUPTED);
    for (const w of this.watchers.splice(0)) w();
  }

  private deliver(l: Line): void {
    const w = this.waiters.shift();
    if (w) { w.resolve(l); return; }
    this.typedAhead.push(l);
    for (const w of this.watchers.splice(0)) w();
  }

  private typed(b: Buffer): void {
    let from = 0;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 3 && !this.waiters[0]?.prompt) {
        this.keys.write(b.subarray(from, i));
        from = i + 1;
        this.cancel();
        this.onInterrupt();
      } else if (b[i] === 0x1a) { // Ctrl-Z: no job control here
        this.keys.write(b.subarray(from, i));
        from = i + 1;
      } else if (b[i] === 4) {
        // readline has taken what came before (it reads the stream synchronously)
        this.keys.write(b.subarray(from, i));
        from = i + 1;
        if (this.rl.line === '') this.deliver(null); else this.keys.write(b.subarray(i, i + 1));
      }
    }
    this.keys.write(b.subarray(from));
  }

  /** Ctrl-C at the prompt: the line typed so far is dropped. */
  private dropLine(): void {
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
    process.stdout.write('\n');
    const w = this.waiters.shift();
    if (w) w.resolve(INTERRUPTED);
  }
}

async function repl(sh: Shell, con: Terminal): Promise<number> {
  // ^C between a line's Enter and its run (both in one read) must still stop it
  let busy = false, early = false;
  con.onInterrupt = () => { if (busy) sh.interrupt(); else early = true; };
  process.on('SIGINT', con.onInterrupt); // from kill(1); the terminal's ^C is a key here
  for (const [signal, note] of NOTES) {
    if (signal === 'SIGINT') continue;
    process.on(signal, () => {
      if (sh.note(note)) process.exit(128 + constants.signals[signal]);
      // its function ran, or will with the command running: did it exit?
      void sh.idle().then(async () => { if (sh.exited && !busy) process.exit(exitCode(await sh.end())); });
    });
  }
  for (;;) {
    let text = '';
    for (;;) {
      const line = await con.next(sh.top.get('prompt')[text ? 1 : 0] ?? '');
      if (line === null) {
        process.stdout.write('\n');
        return exitCode(await sh.end());
      }
      if (line === INTERRUPTED) {
        // Ctrl-C at the prompt: fn sigint, if there is one, runs now
        text = '';
        sh.note('sigint');
        await sh.idle();
        if (sh.exited) return exitCode(await sh.end());
        continue;
      }
      text += line + '\n';
      try {
        parse(text);
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete) continue;
      }
      break;
    }
    if (early) { early = false; process.stdout.write('\n'); continue; }
    busy = true;
    await sh.run(text);
    busy = false;
    con.input.cancel();
    if (sh.exited) return exitCode(await sh.end());
  }
}

/** The history file's lines, newest first (as readline keeps them); none when there is no file. */
function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(l => l !== '').reverse().slice(0, HISTORY);
  } catch {
    return [];
  }
}

/**
 * The terminal as a VM's standard input: a read that finds nothing buffered
 * takes the next line from the console. An end of file is one read of 0.
 */
class TtyInput extends HandleBase {
  readonly seekable = false;
  private readonly con: Terminal;
  private pending: Uint8Array | null = null;
  /** bumped by cancel: a read from before it gets end of file instead of reading on */
  private gen = 0;

  constructor(con: Terminal) { super(); this.con = con; }

  read(dst: Uint8Array): number | Promise<number> {
    if (!this.pending) {
      const gen = this.gen;
      return this.con.next(null).then(l => {
        if (this.gen !== gen || typeof l !== 'string') return 0;
        this.con.forget(l);
        this.pending = new TextEncoder().encode(l + '\n');
        return this.read(dst);
      });
    }
    const n = Math.min(dst.length, this.pending.length);
    dst.set(this.pending.subarray(0, n));
    this.pending = n === this.pending.length ? null : this.pending.subarray(n);
    return n;
  }

  write(): number { throw new GoblinError('EBADF'); }

  ready(): boolean { return this.pending !== null || this.con.hasLine(); }

  whenReady(): Promise<void> { return this.ready() ? Promise.resolve() : this.con.whenLine(); }

  close(): void {}

  /** Drops what was read for a command that has ended, and its waits. */
  cancel(): void {
    this.gen++;
    this.pending = null;
    this.con.cancel();
  }
}

// One rc process: what fork(2) copies. Variables, functions, descriptors and the
// current directory are its own; the namespace is shared with whoever forked it
// until `rfork n` gives it a copy. Within a Proc commands run one after another;
// everything concurrent (pipelines, &, `{}, <{}) runs in a fork.
import type { Cmd } from './ast.ts';
import type { Notes } from './control.ts';
import type { ShellNs } from './rootfs.ts';
import type { Shared } from './shared.ts';

export class Proc {
  vars: Map<string, string[]>;
  fns: Map<string, Cmd[]>;
  fds: Map<number, Shared>;
  cwd: string;
  space: ShellNs;
  /** the last if's condition was false: what `if not` tests */
  ifFailed = false;
  /** function calls in progress */
  depth = 0;
  /** rc's flags (`flag`, and the shell's -e, -x, -i, -c): a fork gets a copy */
  flags: Set<string>;
  /** in a condition (if, while, left of && or ||, `{}) -e does not end the shell */
  cond = 0;
  /**
   * A background job's pid, which its one command's VM takes, as a Plan 9 rc
   * that forked for & execs its last command and keeps its pid (null: none).
   */
  execPid: number | null = null;
  /** whom an interrupt or kill reaches with it: the foreground, or its background job */
  notes: Notes;
  /** procsub pipes and the like, settled when the command that made them ends */
  readonly cleanups: (() => Promise<void>)[] = [];

  constructor(init: { vars: Map<string, string[]>; fns: Map<string, Cmd[]>; fds: Map<number, Shared>; cwd: string; space: ShellNs; notes: Notes; flags?: Set<string> }) {
    this.vars = init.vars;
    this.fns = init.fns;
    this.fds = init.fds;
    this.cwd = init.cwd;
    this.space = init.space;
    this.notes = init.notes;
    this.flags = init.flags ?? new Set();
  }

  /** A copy, holding its own reference to each open descriptor; `notes` for a new note group (a job). */
  fork(notes = this.notes): Proc {
    const p = new Proc({
      vars: new Map(this.vars), fns: new Map(this.fns), fds: holdAll(this.fds),
      cwd: this.cwd, space: this.space, notes, flags: new Set(this.flags),
    });
    p.ifFailed = this.ifFailed;
    p.depth = this.depth;
    p.cond = this.cond;
    return p;
  }

  get(name: string): string[] {
    if (/^[1-9][0-9]*$/.test(name)) {
      const v = this.vars.get('*')?.[Number(name) - 1];
      return v === undefined ? [] : [v];
    }
    return this.vars.get(name) ?? [];
  }

  set(name: string, value: string[]): void {
    this.vars.set(name, value);
  }

  /** Restores a saved value (undefined: the variable was never set). */
  restore(name: string, old: string[] | undefined): void {
    if (old === undefined) this.vars.delete(name); else this.vars.set(name, old);
  }

  get status(): string { return (this.vars.get('status') ?? []).join(' '); }
  set status(s: string) { this.set('status', [s]); }

  /** fd now refers to f; the Proc takes over the caller's reference. */
  setFd(fd: number, f: Shared): void {
    this.fds.get(fd)?.release();
    this.fds.set(fd, f);
  }

  closeFd(fd: number): void {
    this.fds.get(fd)?.release();
    this.fds.delete(fd);
  }

  /** Lets go of every descriptor (the Proc is done). */
  closeAll(): void {
    for (const f of this.fds.values()) f.release();
    this.fds.clear();
  }
}

export function holdAll(fds: Map<number, Shared>): Map<number, Shared> {
  return new Map([...fds].map(([n, f]) => [n, f.hold()]));
}

/** rc's truth: a status is true when it is empty, or only zeros and the | of a pipeline. */
export function truthy(status: string): boolean {
  return /^[0|]*$/.test(status);
}

// What unwinds the interpreter: exit, an interrupt or kill, an rc error; and the
// note groups an interrupt or kill reaches.
import type { Vm } from '../kernel/vm.ts';

/** `exit`: ends the shell, or the fork it runs in. */
export class Exit {
  readonly status: string;
  constructor(status: string) { this.status = status; }
}

/** Its note group was stopped: unwind, with why ('interrupted', 'killed') as the status. */
export class Interrupted {
  readonly why: string;
  constructor(why = 'interrupted') { this.why = why; }
}

/** An error that stops the script (rc's Xerror): printed as `rc: message`. */
export class RcError extends Error {}

/**
 * A note group, as Plan 9's: the procs one interrupt or kill reaches together,
 * the shell's foreground or one background job. Its procs register the VMs they
 * run; stop() kills those and makes the procs unwind at their next step or wait.
 */
export class Notes {
  /** why it was stopped; null while it runs */
  stopped: string | null = null;
  readonly vms = new Set<Vm>();
  /** interrupts so far: a command that was being loaded when one came is killed as it starts */
  interrupts = 0;
  private readonly waits = new Set<(why: string) => void>();

  /** Kills the VMs it runs now; its procs go on (an interrupt with fn sigint). */
  killVms(): void {
    this.interrupts++;
    for (const vm of this.vms) vm.kill('killed');
  }

  stop(why: string): void {
    if (this.stopped !== null) return;
    this.stopped = why;
    this.killVms();
    for (const w of this.waits) w(why);
  }

  /** Waits for x, unless the group is stopped first. */
  async race<T>(x: Promise<T>): Promise<T> {
    if (this.stopped !== null) throw new Interrupted(this.stopped);
    let stop!: (why: string) => void;
    const stopped = new Promise<never>((_, reject) => { stop = why => reject(new Interrupted(why)); });
    this.waits.add(stop);
    try { return await Promise.race([x, stopped]); } finally { this.waits.delete(stop); }
  }
}

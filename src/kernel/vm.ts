// A VM: one running program with its own system calls (WASI's fd table), namespace, environment,
// clock and limits. Cheap and disposable; many run on one kernel thread. A VM
// that waits suspends through JSPI and the others run; a VM that computes is
// stopped at each fuel slice to let the others run and to check its limits.
import { GoblinError, fail } from '../error.ts';
import type { Handle } from '../fs/types.ts';
import type { Namespace } from '../ns/namespace.ts';
import { Guest } from '../wasm/guest.ts';
import type { Abi, AbiBinding, VmServices } from './abi.ts';
import type { VmClock } from './clock.ts';
import type { Program } from './program.ts';
import { FUEL_EXPORT, FUEL_IMPORT } from '../fuel/meter.ts';
import { MEMORY_IMPORT } from '../wasm/memory.ts';
import type { MemoryPool } from './memory-pool.ts';
import { SPAWN_IMPORT } from './spawn.ts';
import { MODE_IMPORT, modeOf } from './mode.ts';
import { WASI_ERRNO, errnoOf } from '../error.ts';

export interface Limits {
  /** bytes of linear memory the VM may grow to */
  maxMemory?: number;
  /** instructions the VM may run (deterministic) */
  fuel?: number;
  /** wall-clock milliseconds before the VM is stopped */
  timeout?: number;
  /** VMs a tree started through goblin.spawn may hold alive at once, itself included (default 256) */
  maxVms?: number;
  /** how deep goblin.spawn may nest below the tree's first VM (default 32) */
  maxDepth?: number;
}

export const TREE_DEFAULTS = { maxVms: 256, maxDepth: 32 } as const;

/**
 * A VM and the VMs it started through goblin.spawn, and theirs: the limits of its
 * first VM hold for all of them together. Children get what is left of its time
 * and fuel (their fuel is charged back), and of its memory: the memory of every
 * live VM of the tree counts against the first one's maxMemory.
 */
export class VmTree {
  readonly vms = new Set<Vm>();
  readonly maxVms: number;
  readonly maxDepth: number;
  readonly maxMemory: number | undefined;
  constructor(l: Limits) {
    this.maxVms = l.maxVms ?? TREE_DEFAULTS.maxVms;
    this.maxDepth = l.maxDepth ?? TREE_DEFAULTS.maxDepth;
    this.maxMemory = l.maxMemory;
  }
  /** bytes of linear memory the tree's live VMs hold now */
  memoryInUse(): number {
    let n = 0;
    for (const vm of this.vms) n += vm.memoryBytes();
    return n;
  }
}

export type ExitReason = 'exit' | 'trap' | 'memory' | 'fuel' | 'timeout' | 'killed' | 'link';

export interface ExitStatus {
  /** the exit code: the program's own, or a distinct one per reason (see EXIT_CODES) */
  code: number;
  reason: ExitReason;
  /** one line saying what happened, for anything but a plain exit */
  message?: string;
}

/** Distinct exit codes for the ways a VM can end other than proc_exit. */
export const EXIT_CODES: Record<Exclude<ExitReason, 'exit'>, number> = {
  link: 126, trap: 134, memory: 135, fuel: 136, killed: 137, timeout: 124,
};

/** After whatever is queued now (I/O and timers included): setImmediate, or a 0 ms timer in a browser. */
export const nextTurn: (f: () => void) => void =
  (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ?? (f => setTimeout(f, 0));

/** Unwinds the guest's stack on proc_exit or kill; never a GoblinError, so no WASI call swallows it. */
class Unwind {
  readonly status: ExitStatus;
  constructor(status: ExitStatus) { this.status = status; }
}

const SLICE = 5_000_000n; // fuel units a VM runs before others get a turn
const START_CHARGES = 1_000_000; // fuel_out calls a start section may make before it is stopped

export interface VmSetup {
  pid: number;
  name: string;
  program: Program | Promise<Program>;
  args: string[];
  env: Map<string, string>;
  makeNs: (vm: Vm) => Namespace;
  clock: VmClock;
  limits: Limits;
  stdio: [Handle | null, Handle | null, Handle | null];
  trapUnknownImports: boolean;
  /** build the namespace before the program starts (it has lines of the caller's, which may fail) */
  eagerNs: boolean;
  memories: MemoryPool;
  /** the system calls the program makes */
  abi: Abi;
  /** goblin.spawn: start a child program and answer its exit code */
  spawnChild(parent: Vm, argv: string[]): Promise<number>;
  /** the VMs whose /proc it sees and may signal */
  group: ProcGroup;
  /** its spawn tree and depth in it (a first VM: a tree of its own, depth 0) */
  tree: VmTree;
  depth: number;
}

/** A process group: the VMs that see and signal each other in /proc (a shell session, one request, one job). */
export interface ProcGroup { readonly name?: string }

export class Vm implements VmServices {
  readonly pid: number;
  readonly name: string;
  readonly args: string[];
  readonly env: Map<string, string>;
  readonly clock: VmClock;
  readonly limits: Limits;
  readonly exit: Promise<ExitStatus>;
  state: 'running' | 'waiting' | 'done' = 'running';
  private readonly setup: VmSetup;
  private nsCache: Namespace | null = null;
  private dead: Unwind | null = null;
  private abort: ((e: unknown) => void) | null = null;
  private fuelLeft: bigint | null;
  private given = 0n;
  private startCharges = 0;
  private fuelGlobal: WebAssembly.Global | null = null;
  private memory: WebAssembly.Memory | null = null;
  private program: Program | null = null;
  private readonly devs = new Map<number, number>();
  private readonly guest = new Guest();
  private readonly sys: AbiBinding;

  constructor(s: VmSetup) {
    this.setup = s;
    this.pid = s.pid;
    this.name = s.name;
    this.args = s.args;
    this.env = s.env;
    this.clock = s.clock;
    this.limits = s.limits;
    this.fuelLeft = s.limits.fuel !== undefined ? BigInt(s.limits.fuel) : null;
    this.sys = s.abi.bind(this, this.guest, s.stdio);
    s.tree.vms.add(this);
    this.exit = this.run();
  }

  /** Built at first use: a hello world that touches no path never pays for it. */
  get ns(): Namespace {
    return this.nsCache ??= this.setup.makeNs(this);
  }

  /** What descriptor fd holds now (the console, a child's inherited stdio). */
  handle(fd: number): Handle | null { return this.sys.handle(fd); }

  devOf(dev: number): number {
    let d = this.devs.get(dev);
    if (d === undefined) this.devs.set(dev, d = this.devs.size + 1);
    return d;
  }

  block<T>(p: Promise<T>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    this.state = 'waiting';
    return new Promise<T>((resolve, reject) => {
      this.abort = reject;
      const back = () => { this.abort = null; if (this.state === 'waiting') this.state = 'running'; };
      p.then(v => { back(); resolve(v); }, e => { back(); reject(e); });
    });
  }

  exitNow(code: number): never { throw new Unwind({ code, reason: 'exit' }); }

  yieldNow(): Promise<void> {
    return this.block(new Promise<void>(r => nextTurn(r)));
  }

  /** Ends the VM: at once if it is waiting, at its next fuel check if it is computing. */
  kill(reason: 'killed' | 'timeout' = 'killed', message?: string): void {
    if (this.dead || this.state === 'done') return;
    for (const c of this.children) c.kill(reason === 'timeout' ? 'killed' : reason);
    const msg = message ?? (reason === 'timeout' ? `timed out after ${this.limits.timeout} ms` : 'killed');
    this.dead = new Unwind({ code: EXIT_CODES[reason], reason, message: msg });
    this.abort?.(this.dead);
    // a computing VM meets its fuel check soon: make that check come at once
    // (what the slice had used so far is kept: it is given back as the value goes to -1)
    const g = this.fuelGlobal;
    if (g) { this.given -= (g.value as bigint) + 1n; g.value = -1n; }
  }

  /** The VMs it started (goblin.spawn) that still run: they end when it is killed. */
  readonly children = new Set<Vm>();
  get group(): ProcGroup { return this.setup.group; }
  get tree(): VmTree { return this.setup.tree; }
  get depth(): number { return this.setup.depth; }

  /** bytes of linear memory it holds now */
  memoryBytes(): number { return this.memory?.buffer.byteLength ?? 0; }
  /** when the VM started, for what is left of its timeout */
  readonly started = performance.now();

  /**
   * The limits a child gets: what is left of this VM's time and fuel (its fuel is
   * charged here when it ends) and of its tree's memory; EAGAIN when the tree has
   * as many VMs, or as deep, or as much memory, as it may.
   */
  childLimits(): Limits {
    const t = this.tree;
    if (t.vms.size >= t.maxVms) throw fail('EAGAIN', `this tree of VMs has ${t.vms.size} alive, its most`);
    if (this.depth + 1 > t.maxDepth) throw fail('EAGAIN', `goblin.spawn nests at most ${t.maxDepth} deep`);
    let maxMemory = this.limits.maxMemory;
    if (t.maxMemory !== undefined) {
      maxMemory = Math.floor((t.maxMemory - t.memoryInUse()) / 65536) * 65536;
      if (maxMemory < 65536) throw fail('EAGAIN', `this tree of VMs holds all the memory it may (${t.maxMemory} bytes)`);
    }
    const used = this.fuelUsed();
    const left: Limits = { maxMemory, maxVms: this.limits.maxVms, maxDepth: this.limits.maxDepth };
    if (used !== null) left.fuel = Math.max(0, this.limits.fuel! - Number(used));
    if (this.limits.timeout !== undefined) left.timeout = Math.max(0, this.limits.timeout - (performance.now() - this.started));
    return left;
  }

  /** Charges fuel a child used to this VM (its next fuel check traps if that is too much). */
  charge(fuel: bigint): void {
    if (this.fuelLeft === null) return;
    this.fuelLeft -= fuel;
    const g = this.fuelGlobal;
    if (!g) return;
    // the slice under way may not outlast what is left now: shorten it, keeping what it used
    const value = g.value as bigint;
    const remaining = this.fuelLeft - (this.given - value);
    if (remaining < value) {
      this.given -= value - remaining;
      g.value = remaining;
    }
  }

  /** What fuel the VM has used, when metered. */
  fuelUsed(): bigint | null {
    if (this.limits.fuel === undefined || this.fuelLeft === null) return null;
    const inSlice = this.fuelGlobal ? this.given - (this.fuelGlobal.value as bigint) : 0n;
    return BigInt(this.limits.fuel) - this.fuelLeft + inSlice;
  }

  private fuelOut(): Promise<void> | void {
    const g = this.fuelGlobal;
    if (!g) {
      // a start section runs inside instantiation, before the fuel global can be reached:
      // its charges pile up (negative) in the global and are counted once it can be read
      if (++this.startCharges > START_CHARGES) throw new Unwind({ code: EXIT_CODES.fuel, reason: 'fuel', message: 'fuel exhausted in the start function' });
      return;
    }
    const used = this.given - (g.value as bigint);
    if (this.dead) throw this.dead;
    if (this.fuelLeft !== null) {
      this.fuelLeft -= used;
      if (this.fuelLeft < 0n) {
        this.fuelLeft = 0n;
        this.given = 0n;
        throw new Unwind({ code: EXIT_CODES.fuel, reason: 'fuel', message: 'fuel exhausted' });
      }
    }
    this.given = this.fuelLeft !== null && this.fuelLeft < SLICE ? this.fuelLeft : SLICE;
    g.value = this.given;
    // a slice is over: let the others run (timers included, so --timeout can fire)
    return this.yieldNow();
  }

  private async run(): Promise<ExitStatus> {
    await null; // let spawn() return the handle before anything runs
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.limits.timeout !== undefined) timer = setTimeout(() => this.kill('timeout'), this.limits.timeout);
    try {
      if (this.setup.eagerNs) {
        try { this.ns; } catch (e) { throw fail((e as GoblinError).errno ?? 'EINVAL', `namespace: ${(e as Error).message}`); }
      }
      const start = this.instantiate(await this.setup.program);
      await start();
      return { code: 0, reason: 'exit' };
    } catch (e) {
      return this.dead?.status ?? this.classify(e);
    } finally {
      clearTimeout(timer);
      // a VM stopped while waiting may still have a host read in flight into its memory
      const quiet = this.state !== 'waiting';
      this.state = 'done';
      this.setup.tree.vms.delete(this);
      this.sys.close();
      const p = this.program;
      if (quiet && p?.memory && this.memory) this.setup.memories.give(p.memory, this.memory);
    }
  }

  private instantiate(program: Program): () => Promise<unknown> {
    const { trapUnknownImports } = this.setup;
    this.program = program;
    const { guest, sys } = this;
    const abi = this.setup.abi.module;
    // with only local servers in the namespace, calls that reach a server never wait:
    // they go in as plain imports and skip the cost of a suspendable call
    const serversWait = this.setup.eagerNs ? !this.ns.synchronous : false;
    const importObject: Record<string, Record<string, unknown>> = {};
    for (const imp of program.imports) {
      const mod = (importObject[imp.module] ??= {});
      let value: unknown;
      if (imp.module === abi && imp.kind === 'function' && (value = sys.importOf(imp.name, serversWait)) !== undefined) {
        // a call of the system interface
      } else if (program.memory && imp.kind === 'memory' && imp.module === MEMORY_IMPORT.module && imp.name === MEMORY_IMPORT.name) {
        value = this.memory = this.setup.memories.take(program.memory);
      } else if (program.metered && imp.module === FUEL_IMPORT.module && imp.name === FUEL_IMPORT.name) {
        value = new WebAssembly.Suspending(() => this.fuelOut());
      } else if (imp.module === SPAWN_IMPORT.module && imp.name === SPAWN_IMPORT.name && imp.kind === 'function') {
        // goblin.spawn(argv, len): NUL-separated words; answers the exit code, or -errno
        value = new WebAssembly.Suspending((ptr: number, len: number) => {
          let argv: string[];
          try { argv = new TextDecoder().decode(guest.bytes(ptr, len)).split('\0').filter((w, i, a) => i < a.length - 1 || w !== ''); } catch (e) { return -errnoOf(e); }
          if (!argv.length) return -WASI_ERRNO.EINVAL;
          return this.block(this.setup.spawnChild(this, argv)).catch((e: unknown) => { if (e instanceof Unwind) throw e; return -errnoOf(e); });
        });
      } else if (imp.module === MODE_IMPORT.module && imp.name === MODE_IMPORT.name && imp.kind === 'function') {
        // goblin.mode(path, len): the permission bits of the file at an absolute path, or -errno
        value = new WebAssembly.Suspending((ptr: number, len: number) => {
          try {
            const path = new TextDecoder().decode(guest.bytes(ptr, len));
            return this.block(Promise.resolve(modeOf(this.ns, path))).catch((e: unknown) => { if (e instanceof Unwind) throw e; return -errnoOf(e); });
          } catch (e) { return -errnoOf(e); }
        });
      } else if (trapUnknownImports && imp.kind === 'function') {
        const name = `${imp.module}::${imp.name}`;
        value = () => { throw new WebAssembly.RuntimeError(`unknown import ${name} was called`); };
      } else {
        throw fail('ENOEXEC', `unknown import: ${imp.module}::${imp.name} (${imp.kind})`);
      }
      mod[imp.name] = value;
    }
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(program.module, importObject as WebAssembly.Imports);
    } catch (e) {
      throw fail('ENOEXEC', (e as Error).message.replace(/^WebAssembly\.Instance\(\): /, ''));
    }
    const ex = instance.exports;
    if (!(ex.memory instanceof WebAssembly.Memory)) throw fail('ENOEXEC', 'module exports no memory');
    if (typeof ex._start !== 'function') throw fail('ENOEXEC', 'module has no _start (not a WASI command)');
    this.memory = ex.memory;
    guest.attach(ex.memory);
    if (program.metered) {
      const g = ex[FUEL_EXPORT] as WebAssembly.Global;
      // what a start section used shows as a negative value
      if (this.fuelLeft !== null) this.fuelLeft += g.value as bigint;
      if (this.fuelLeft !== null && this.fuelLeft < 0n) throw new Unwind({ code: EXIT_CODES.fuel, reason: 'fuel', message: 'fuel exhausted' });
      this.fuelGlobal = g;
      this.given = this.fuelLeft !== null && this.fuelLeft < SLICE ? this.fuelLeft : SLICE;
      g.value = this.given;
    }
    return WebAssembly.promising(ex._start as () => unknown);
  }

  private classify(e: unknown): ExitStatus {
    if (e instanceof Unwind) return e.status;
    if (e instanceof GoblinError) return { code: EXIT_CODES.link, reason: 'link', message: e.message };
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError && /call stack/i.test(msg)) return { code: EXIT_CODES.trap, reason: 'trap', message: 'wasm trap: call stack exhausted' };
    if (e instanceof WebAssembly.RuntimeError) {
      const max = this.limits.maxMemory;
      if (max !== undefined && this.memory && this.memory.buffer.byteLength + 65536 > max) {
        return { code: EXIT_CODES.memory, reason: 'memory', message: `out of memory: the limit is ${max} bytes (wasm trap: ${msg})` };
      }
      return { code: EXIT_CODES.trap, reason: 'trap', message: `wasm trap: ${msg}` };
    }
    return { code: EXIT_CODES.trap, reason: 'trap', message: `error: ${msg}` };
  }
}

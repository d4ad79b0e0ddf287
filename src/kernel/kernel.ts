// The kernel: a process table, a program cache and the devices, on one thread.
// Kernel and Program are the expensive, shared objects; a Vm is cheap and per call.
// The system-call interface is given (wasi/kernel.ts gives WASI preview 1).
import type { ProcInfo } from '../fs/proc.ts';
import type { FileServer, Handle } from '../fs/types.ts';
import type { Namespace } from '../ns/namespace.ts';
import type { Dial } from '../ns/text.ts';
import { fail } from '../error.ts';
import type { Abi } from './abi.ts';
import { buildWorld } from './world.ts';
import { BIN_PATH, Exec } from './exec.ts';
import { lend } from './spawn.ts';
import { deterministicClock, realClock, type VmClock } from './clock.ts';
import { Pipe } from './pipe.ts';
import { Program } from './program.ts';
import { ProgramCache } from './program-cache.ts';
import { MemoryPool } from './memory-pool.ts';
import { nextTurn, Vm, VmTree, type Limits, type ProcGroup } from './vm.ts';
import { hideHostPaths } from './world.ts';
import { Appliance, type LoadOptions } from '../appliance/appliance.ts';
import { applianceWorld, type Hole } from './appliance.ts';
import type { Codecs } from '../appliance/format.ts';
import type { ProgramStore } from './program.ts';

/** What the host adds to the kernel; every member is optional (a browser has none). */
export interface KernelHost {
  /**
   * '#U/dir' and '#U:ro/dir': a confined host directory; its server's `name` is the
   * real path it serves (symlinks resolved), which grants are checked against
   */
  hostDir?(path: string, readonly: boolean): FileServer;
  /** `mount ADDR ...`: a 9P connection */
  dial?: Dial;
  /** /proc/N/ns shows host paths (a single user's own session); otherwise where each was granted */
  showHostPaths?: boolean;
  /** devices of the embedder's own, by spec ('#name'), for `bind '#name' /somewhere` */
  device?(spec: string): FileServer | undefined;
  /** the embedded userland's programs, under every appliance's /bin */
  bin?(): FileServer;
  /** compiled, metered programs kept across processes (a cache directory), by content digest */
  programs?: ProgramStore;
  /** hashing and inflating for appliances and the program store (default Web Crypto and Compression Streams) */
  codecs?: Codecs;
  /** kernel.load(path): the file's bytes */
  readFile?(path: string): Promise<Uint8Array>;
  /** kernel.load: finding bases, checking manifests against the schema */
  appliances?: Pick<LoadOptions, 'findBase' | 'checkManifest' | 'codecs'>;
}

export interface SpawnSpec {
  /** the program: compiled and cached by kernel.compile, or bytes compiled now */
  module?: Program | Uint8Array;
  /**
   * An appliance (kernel.load) to run instead of a module: its entry runs in its
   * image, with its manifest's args, env, namespace and limits; `args` then means
   * the arguments after argv[0], and args, env and limits given here win.
   */
  appliance?: Appliance;
  /** an appliance's program to run instead of its manifest's entry, a path in its image */
  entry?: string;
  /** an appliance's mount holes, by name */
  holes?: Record<string, Hole>;
  /** argv, argv[0] included (default: [name]) */
  args?: string[];
  env?: Record<string, string> | Map<string, string>;
  /** namespace(6) text run after the defaults (/dev, /env, /proc, /tmp) */
  ns?: string;
  /**
   * A namespace to run in as it is, shared with the caller (as a Plan 9 child shares
   * its parent's until rfork(RFNAMEG)); the defaults and `ns` are then not applied.
   */
  namespace?: Namespace;
  stdin?: Handle | null;
  stdout?: Handle | null;
  stderr?: Handle | null;
  limits?: Limits;
  /** deterministic clocks, seeded randomness, sorted listings */
  deterministic?: boolean;
  seed?: number;
  trapUnknownImports?: boolean;
  name?: string;
  /**
   * A pid from newPid() for the VM to take, as a Plan 9 process keeps its pid
   * across exec (a shell's background job becoming its one command); default a new one.
   */
  pid?: number;
  /**
   * The VMs whose /proc entries it sees and may signal (kernel.group() makes one):
   * a shell session's, one request's, one job's. Default: a group of its own.
   */
  group?: ProcGroup;
}

/**
 * A process of a group that is not a VM (a shell session, one of its jobs), as
 * /proc shows it: `NAME PID STATE`, its namespace, and what `kill` does to it.
 */
export interface OtherProc {
  readonly pid: number;
  readonly group: ProcGroup;
  readonly name: string;
  state(): string;
  ns(): Namespace;
  kill(): void;
}

/** The namespace every VM starts with; `--ns` and `--dir` lines follow it. */
export const DEFAULT_NS = "bind '#c' /dev\nbind -c '#e' /env\nbind '#p' /proc\nbind -c '#t' /tmp\n";

export class Kernel {
  readonly procs = new Map<number, Vm>();
  /** processes that are not VMs, by pid (kernel.register) */
  private readonly others = new Map<number, OtherProc>();
  readonly host: KernelHost;
  private nextPid = 1;
  private readonly memories = new MemoryPool();
  private readonly programs = new ProgramCache();
  /** what program a command name runs, for goblin.spawn and the shell */
  readonly exec = new Exec();

  /** the system calls its VMs' programs make */
  readonly abi: Abi;

  constructor(abi: Abi, host: KernelHost = {}) {
    this.abi = abi;
    this.host = host;
  }

  /** Compiles (and meters) a module once; later calls with the same bytes reuse it. */
  compile(bytes: Uint8Array, opts: { maxMemory?: number; metered?: boolean; digest?: string } = {}): Promise<Program> {
    return this.programs.get(bytes, { ...opts, store: this.host.programs, codecs: this.host.codecs });
  }

  pipe(): Pipe { return new Pipe(); }

  /** A process id no VM of this kernel has or will have (for shells and other non-VM processes). */
  newPid(): number { return this.nextPid++; }

  /**
   * Shows a process that is not a VM in its group's /proc, under a pid from
   * newPid(); answers what takes it out again. A VM that takes the same pid
   * (SpawnSpec.pid) is shown instead while it runs.
   */
  register(p: OtherProc): () => void {
    this.others.set(p.pid, p);
    return () => { if (this.others.get(p.pid) === p) this.others.delete(p.pid); };
  }

  /** A new process group, for VMs that should see each other in /proc. */
  group(name?: string): ProcGroup { return name === undefined ? {} : { name }; }

  /**
   * Reads and verifies an appliance and its bases (from bytes, or a path through
   * the host), for spawn({ appliance }). Fails with a BadAppliance saying what is wrong.
   */
  async load(from: Uint8Array | string, o: LoadOptions = {}): Promise<Appliance> {
    let bytes: Uint8Array;
    if (typeof from === 'string') {
      if (!this.host.readFile) throw fail('ENOTSUP', 'no files here: load an appliance from its bytes');
      bytes = await this.host.readFile(from);
    } else bytes = from;
    return Appliance.load(bytes, { ...this.host.appliances, codecs: this.host.codecs, source: typeof from === 'string' ? from : undefined, ...o });
  }

  /** Starts a VM; its `exit` promise settles with how it ended. */
  spawn(spec: SpawnSpec): Vm {
    if (!spec.appliance) return this.start(spec, null);
    const w = applianceWorld(spec.appliance, {
      entry: spec.entry, args: spec.args, env: spec.env, limits: spec.limits, deterministic: spec.deterministic, seed: spec.seed,
      holes: spec.holes, ns: spec.ns, bin: this.host.bin?.(),
    });
    return this.start({
      ...spec, module: w.program, args: w.args, env: w.env, limits: w.limits, deterministic: w.deterministic, seed: w.seed,
      ns: w.after, namespace: undefined, name: spec.name ?? spec.appliance.manifest.name,
    }, null, { before: w.before, device: w.device, digest: spec.appliance.entryDigest(spec.entry) });
  }

  /** Starts a VM, the first of its tree or a child started through goblin.spawn. */
  private start(spec: SpawnSpec, parent: Vm | null, world?: { before: string; digest?: string; device(spec: string): FileServer | undefined }): Vm {
    const maxMemory = spec.limits?.maxMemory;
    if (!spec.module) throw fail('EINVAL', 'spawn: no module or appliance');
    const program = spec.module instanceof Program && spec.module.maxMemory === maxMemory
      ? spec.module
      : this.compile(spec.module instanceof Program ? spec.module.bytes : spec.module, { maxMemory, digest: world?.digest });
    if (spec.pid !== undefined && (this.procs.has(spec.pid) || spec.pid >= this.nextPid)) throw fail('EINVAL', `pid ${spec.pid} is not one newPid() gave and no VM holds`);
    const pid = spec.pid ?? this.nextPid++;
    const clock: VmClock = spec.deterministic ? deterministicClock(spec.seed ?? 0) : realClock();
    const env = spec.env instanceof Map ? new Map(spec.env) : new Map(Object.entries(spec.env ?? {}));
    const name = spec.name ?? spec.args?.[0] ?? 'wasm';
    const vm = new Vm({
      pid, name, program, env, clock,
      args: spec.args ?? [name],
      makeNs: v => spec.namespace ?? this.namespace(v, spec.ns ?? '', world),
      limits: spec.limits ?? {},
      stdio: [spec.stdin ?? null, spec.stdout ?? null, spec.stderr ?? null],
      trapUnknownImports: spec.trapUnknownImports ?? false,
      eagerNs: !!spec.ns?.trim() || !!spec.namespace || !!world,
      spawnChild: (parent, argv) => this.spawnChild(parent, argv, spec),
      memories: this.memories,
      abi: this.abi,
      group: parent?.group ?? spec.group ?? this.group(),
      tree: parent?.tree ?? new VmTree(spec.limits ?? {}),
      depth: parent ? parent.depth + 1 : 0,
    });
    this.procs.set(pid, vm);
    vm.exit.then(() => this.procs.delete(pid));
    return vm;
  }

  /** A VM's namespace: a small root skeleton, the default binds, then the caller's lines. */
  private namespace(vm: Vm, text: string, world?: { before: string; device(spec: string): FileServer | undefined }): Namespace {
    const device = world
      ? (spec: string) => world.device(spec) ?? this.host.device?.(spec)
      : this.host.device?.bind(this.host);
    return buildWorld([world?.before ?? '', DEFAULT_NS, text], {
      console: () => ({ input: vm.handle(0), output: vm.handle(1) }),
      env: vm.env,
      procs: () => this.procInfo(vm.group),
      clock: () => vm.clock.realtime(),
      random: d => vm.clock.random(d),
      hostDir: this.host.hostDir?.bind(this.host),
      device,
      dial: this.host.dial,
      skeleton: world ? ['bin', 'dev', 'env', 'proc', 'tmp'] : undefined,
    }).ns;
  }

  /** goblin.spawn: argv run as a child of parent, in its namespace, with its stdio and limits. */
  private async spawnChild(parent: Vm, argv: string[], spec: SpawnSpec): Promise<number> {
    // a turn of the event loop first: a tree that does nothing but spawn still lets timers (its timeout) fire
    await new Promise<void>(r => nextTurn(r));
    const limits = parent.childLimits();
    const { bytes } = await this.exec.load(parent.ns, argv[0]!, { cwd: parent.env.get('PWD') ?? '/', path: BIN_PATH });
    const fd = (i: number) => { const h = parent.handle(i); return h ? lend(h) : null; };
    const child = this.start({
      module: await this.compile(bytes, { maxMemory: limits.maxMemory }),
      args: argv, env: parent.env, namespace: parent.ns,
      stdin: fd(0), stdout: fd(1), stderr: fd(2),
      limits, deterministic: spec.deterministic, seed: spec.seed,
      name: argv[0]!.slice(argv[0]!.lastIndexOf('/') + 1),
    }, parent);
    parent.children.add(child);
    const st = await child.exit;
    parent.children.delete(child);
    parent.charge(child.fuelUsed() ?? 0n);
    // a child out of the tree's fuel or time takes its parent with it, which says so once
    const shared = st.reason === 'fuel' || st.reason === 'timeout' || st.reason === 'killed';
    if (st.message && !shared) fd(2)?.write(new TextEncoder().encode(`${argv[0]}: ${st.message}\n`), 0);
    return st.code;
  }

  /**
   * What /proc shows a VM of `group`: the processes of that group only, VMs and
   * others (kernel.register), by pid. Their namespaces show host directories by
   * where they were granted, not by host path, unless the host says to
   * (KernelHost.showHostPaths).
   */
  procInfo(group: ProcGroup): Iterable<ProcInfo> {
    const nsText = (ns: Namespace) => this.host.showHostPaths ? ns.text() : hideHostPaths(ns.text());
    const all: ProcInfo[] = [];
    for (const vm of this.procs.values()) {
      if (vm.group !== group) continue;
      all.push({
        pid: vm.pid,
        status: () => `${vm.name} ${vm.pid} ${vm.state}\n`,
        ns: () => nsText(vm.ns),
        kill: () => vm.kill('killed'),
      });
    }
    for (const p of this.others.values()) {
      if (p.group !== group || this.procs.has(p.pid)) continue;
      all.push({ pid: p.pid, status: () => `${p.name} ${p.pid} ${p.state()}\n`, ns: () => nsText(p.ns()), kill: () => p.kill() });
    }
    return all.sort((a, b) => a.pid - b.pid);
  }
}

// The world the shell starts in: the kernel's default namespace (/dev, /env, /proc,
// a writable /tmp) plus /bin, the embedded userland, and /fd, where the pipes of
// <{cmd} and >{cmd} get their names. Host files appear only through lines the
// caller adds (`bind -c '#U/home/me' /n/home`, what `--dir` makes).
//
// /bin comes through the small Rootfs interface: Node serves the package's
// rootfs/bin directory read-only (node/rootfs.ts), a browser can serve bytes from
// memory (memoryRootfs).
//
// The shell and the VMs it starts share one Namespace object, as Plan 9 processes
// share their parent's namespace unless they rfork(RFNAMEG). So devices answer for
// the shell: /dev/cons is the shell's console, /env the shell's variables.
import { fail } from '../error.ts';
import { devFs } from '../fs/dev.ts';
import { envFs } from '../fs/env.ts';
import { procFs, type ProcInfo } from '../fs/proc.ts';
import { RamFs } from '../fs/ram.ts';
import { SyntheticFs, type Entry } from '../fs/synthetic.ts';
import type { File, FileServer, Handle } from '../fs/types.ts';
import { DEFAULT_NS, type Kernel } from '../kernel/kernel.ts';
import { Namespace, type Chan } from '../ns/namespace.ts';
import { applyText, type MakeMountPoint } from '../ns/text.ts';
import type { Shared } from './shared.ts';

/** Where the embedded userland comes from. */
export interface Rootfs {
  /** the directory of programs bound at /bin (read-only) */
  bin(): FileServer;
}

/** A Rootfs from bytes in memory: name → wasm program. */
export function memoryRootfs(files: Record<string, Uint8Array> | Map<string, Uint8Array>): Rootfs {
  const entries = files instanceof Map ? [...files] : Object.entries(files);
  let fs: RamFs | null = null;
  return {
    bin() {
      if (fs) return fs;
      const ram = new RamFs({ name: 'bin' });
      const top = ram.root();
      for (const [name, bytes] of entries) {
        // a RamFs answers at once
        const f = top.create!(name, 'file', 0o555, true) as File;
        const h = f.open({ read: false, write: true }) as Handle;
        h.write(bytes, 0);
        h.close();
      }
      ram.readonly = true;
      return fs = ram;
    },
  };
}

/** The namespace lines that add /bin and /fd to the kernel's defaults. */
export const SHELL_NS = "bind '#b' /bin\nbind '#d' /fd\n";

/** /fd: pipes registered by the shell, each a file named by a number. */
export class PipeDir {
  private next = 1;
  private readonly pipes = new Map<number, Shared>();
  readonly fs: SyntheticFs;

  constructor(clock: () => bigint) {
    const entry = (n: number, end: Shared): Entry => ({
      name: String(n), type: 'char', perm: 0o600,
      open: (): Handle => end.lend(),
    });
    this.fs = new SyntheticFs('fd', { name: '/', list: () => [...this.pipes].map(([n, e]) => entry(n, e)) }, clock);
  }

  /** Names one end of a pipe (holding it) and answers its path. */
  add(end: Shared): { path: string; drop(): void } {
    const n = this.next++;
    this.pipes.set(n, end.hold());
    return {
      path: `/fd/${n}`,
      drop: () => { if (this.pipes.delete(n)) end.release(); },
    };
  }
}

export interface WorldOptions {
  kernel: Kernel;
  rootfs: Rootfs;
  /** /dev/cons: the shell's console */
  console(): { input: Handle | null; output: Handle | null };
  /** /env: the shell's variables as files */
  env: Map<string, string>;
  pipes: PipeDir;
  /** namespace(6) lines after the standard ones (e.g. from --dir) */
  text?: string;
}

const clock = (): bigint => BigInt(Date.now()) * 1_000_000n;

function random(dst: Uint8Array): void {
  for (let at = 0; at < dst.length; at += 65536) crypto.getRandomValues(dst.subarray(at, at + 65536));
}

/** A namespace, and how bind and mount may make mount points in it. */
export interface ShellNs { ns: Namespace; makeMountPoint: MakeMountPoint }

/** A new namespace for a shell: the standard binds, then opts.text. */
export function shellNamespace(o: WorldOptions): ShellNs {
  const skeleton = new RamFs({ name: 'root', clock, readonly: true });
  const top = skeleton.root();
  skeleton.unlocked(() => { for (const d of ['bin', 'dev', 'env', 'fd', 'mnt', 'n', 'proc', 'tmp']) top.create!(d, 'dir', 0o555, true); });
  const { kernel } = o;
  const attach = (spec: string): FileServer => {
    const own = kernel.host.device?.(spec);
    if (own) return own;
    switch (spec) {
      case '#c': return devFs({ cons: o.console, random, clock });
      case '#e': return envFs(o.env, clock);
      case '#p': return procFs(() => procs(kernel), clock);
      case '#t': return new RamFs({ name: 'tmp', clock });
      case '#b': return o.rootfs.bin();
      case '#d': return o.pipes.fs;
    }
    const host = /^#U(:ro)?(\/.*)$/.exec(spec);
    if (host) {
      if (!kernel.host.hostDir) throw fail('ENOTSUP', 'no host directories here');
      return kernel.host.hostDir(host[2]!, !!host[1]);
    }
    throw fail('ENOENT', `unknown device ${spec}`);
  };
  const ns = new Namespace(top, attach);
  // bind and mount may make a missing mount point, but only in the read-only skeleton
  const makeMountPoint = (parent: Chan, name: string, dir: boolean): boolean => {
    if (parent.file.qid.dev !== skeleton.dev) return false;
    skeleton.unlocked(() => parent.file.create!(name, dir ? 'dir' : 'file', 0o555, true));
    return true;
  };
  const r = applyText(ns, DEFAULT_NS + SHELL_NS + (o.text ?? ''), { makeMountPoint, dial: kernel.host.dial });
  if (r instanceof Promise) throw fail('ENOTSUP', 'namespace setup must not wait; mount remote servers from the shell');
  return { ns, makeMountPoint };
}

function* procs(kernel: Kernel): Iterable<ProcInfo> {
  for (const vm of kernel.procs.values()) {
    yield {
      pid: vm.pid,
      status: () => `${vm.name} ${vm.pid} ${vm.state}\n`,
      ns: () => vm.ns.text(),
      kill: () => vm.kill('killed'),
    };
  }
}

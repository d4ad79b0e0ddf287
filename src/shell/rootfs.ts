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
import { RamFs } from '../fs/ram.ts';
import { SyntheticFs, type Entry } from '../fs/synthetic.ts';
import type { File, FileServer, Handle } from '../fs/types.ts';
import { DEFAULT_NS, type Kernel } from '../kernel/kernel.ts';
import type { ProcGroup } from '../kernel/vm.ts';
import { buildWorld, type World } from '../kernel/world.ts';
import { ROOTFS_NS, type ApplianceWorld } from '../kernel/appliance.ts';
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
        const f = top.create(name, 'file', 0o555, true) as File;
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
/** In an appliance, /bin is the image's with the embedded one after it. */
const IMAGE_SHELL_NS = ROOTFS_NS + "bind '#d' /fd\n";

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
  /** the shell's process group: its VMs, which its /proc shows */
  group: ProcGroup;
  /** an appliance's world: its image is the root, /bin goes under the image's */
  image?: Pick<ApplianceWorld, 'before' | 'after' | 'device'>;
}

const clock = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** A namespace, and how bind and mount may make mount points in it. */
export type ShellNs = World;

/** A new namespace for a shell: the standard binds, /bin and /fd, then opts.text. */
export function shellNamespace(o: WorldOptions): ShellNs {
  const { kernel } = o;
  const image = o.image;
  const texts = image ? [image.before, DEFAULT_NS + IMAGE_SHELL_NS, image.after, o.text ?? ''] : [DEFAULT_NS + SHELL_NS, o.text ?? ''];
  return buildWorld(texts, {
    console: o.console,
    env: o.env,
    procs: () => kernel.procInfo(o.group),
    clock,
    hostDir: kernel.host.hostDir?.bind(kernel.host),
    device: spec => image?.device(spec) ?? (spec === '#b' ? o.rootfs.bin() : spec === '#d' ? o.pipes.fs : kernel.host.device?.(spec)),
    dial: kernel.host.dial,
    skeleton: ['bin', 'dev', 'env', 'fd', 'mnt', 'n', 'proc', 'tmp'],
  });
}

// Running an appliance: its manifest turned into what a plain spawn takes. The
// image is the root (a union over the VM's skeleton, so /dev, /env, /proc and
// /tmp are bound as usual), the embedded /bin lies under the image's own /bin,
// each mount hole is bound where the manifest says, then the manifest's namespace
// lines and the caller's. The caller's args, env and limits win over the manifest's;
// a base's env lies under its child's.
import type { Appliance } from '../appliance/appliance.ts';
import { fail } from '../error.ts';
import { readOnly } from '../fs/readonly.ts';
import type { FileServer } from '../fs/types.ts';
import { quote } from '../ns/text.ts';
import { parseDuration, parseSize } from './units.ts';
import type { Limits } from './vm.ts';

/** What fills a mount hole: a host directory (read-only if asked, or if the hole is) or a file server. */
export type Hole = string | { path: string; readonly?: boolean } | FileServer;

/** The namespace lines that make the image the root; they come before the standard binds. */
export const IMAGE_NS = "bind -b '#a' /\n";
/** The embedded userland, under the image's /bin; after the standard binds. */
export const ROOTFS_NS = "bind -a '#b' /bin\n";

export interface ApplianceWorld {
  program: Uint8Array;
  args: string[];
  env: Map<string, string>;
  limits: Limits;
  deterministic: boolean;
  seed: number | undefined;
  /** before the standard binds */
  before: string;
  /** after them */
  after: string;
  /** '#a' the image, '#h/NAME' a hole's file server */
  device(spec: string): FileServer | undefined;
}

export interface ApplianceRun {
  /** the program to run instead of the manifest's entry, a path in the image (a route's) */
  entry?: string;
  /** after argv[0] (the entry's file name); default the manifest's */
  args?: string[];
  env?: Record<string, string> | Map<string, string>;
  limits?: Limits;
  deterministic?: boolean;
  seed?: number;
  holes?: Record<string, Hole>;
  /** lines after the manifest's */
  ns?: string;
  /** where /bin's programs come from, under the image's; none: only the image's */
  bin?: FileServer;
}

export function applianceWorld(app: Appliance, run: ApplianceRun): ApplianceWorld {
  const m = app.manifest;
  const holes = run.holes ?? {};
  const servers = new Map<string, FileServer>();
  const holeLines: string[] = [];
  for (const name of Object.keys(holes)) if (!m.mounts?.[name]) throw fail('EINVAL', `no mount hole named ${name} (${app.holes().map(h => h[0]).join(', ') || 'it has none'})`);
  for (const [name, hole] of app.holes()) {
    const given = holes[name];
    if (given === undefined) {
      if (hole.required) throw fail('EINVAL', `mount hole ${name} (${hole.path}) is required`);
      continue;
    }
    // bound -c either way, as --dir binds: a read-only tree then refuses a new file
    // as it refuses a write (EROFS), rather than the bind refusing it (EACCES)
    if (!isServer(given)) {
      const g = typeof given === 'string' ? { path: given } : given;
      const ro = hole.readonly || g.readonly;
      holeLines.push(`bind -c ${quote(`#U${ro ? ':ro' : ''}${g.path}`)} ${quote(hole.path)}`);
    } else {
      servers.set(`#h/${name}`, hole.readonly ? readOnly(given) : given);
      holeLines.push(`bind -c ${quote(`#h/${name}`)} ${quote(hole.path)}`);
    }
  }
  const ns = typeof m.namespace === 'string' ? m.namespace : (m.namespace ?? []).join('\n');
  const image = app.fs();
  const entry = run.entry ?? m.entry;
  const entryName = entry.slice(entry.lastIndexOf('/') + 1);
  // a base's variables lie under its child's, as its files do (an interpreter's search path, say)
  const env = new Map<string, string>();
  for (const a of app.chain().reverse()) for (const [k, v] of Object.entries(a.manifest.env ?? {})) env.set(k, v);
  for (const [k, v] of run.env instanceof Map ? run.env : Object.entries(run.env ?? {})) env.set(k, v);
  return {
    program: app.entry(entry),
    args: [entryName, ...(run.args ?? m.args ?? [])],
    env,
    limits: { ...manifestLimits(m.limits), ...defined(run.limits ?? {}) },
    deterministic: run.deterministic ?? m.deterministic ?? m.seed !== undefined,
    seed: run.seed ?? m.seed,
    before: IMAGE_NS,
    after: [run.bin ? ROOTFS_NS : '', ...holeLines, ns, run.ns ?? ''].join('\n'),
    device: spec => spec === '#a' ? image : spec === '#b' ? run.bin : servers.get(spec),
  };
}

const isServer = (h: Hole): h is FileServer => typeof h === 'object' && typeof (h as FileServer).root === 'function';

export function manifestLimits(l: { memory?: string | number; fuel?: number; timeout?: string | number } = {}): Limits {
  const memory = typeof l.memory === 'string' ? parseSize(l.memory) : l.memory;
  const timeout = typeof l.timeout === 'string' ? parseDuration(l.timeout) : l.timeout;
  if (memory === null) throw fail('EINVAL', `limits.memory: not a size: ${String(l.memory)}`);
  if (timeout === null) throw fail('EINVAL', `limits.timeout: not a duration: ${String(l.timeout)}`);
  return defined({ maxMemory: memory, fuel: l.fuel, timeout });
}

export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

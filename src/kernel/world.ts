// Building a namespace from text: the one place that knows the device specs.
// A VM's, a shell's and an export's namespaces all start as a small read-only
// skeleton; bind and mount make their mount points in it (never in a bound tree),
// then the lines are applied in order.
//   '#c' /dev: cons null zero random      '#e' the environment     '#p' /proc
//   '#t' a fresh in-memory tree           '#U/dir', '#U:ro/dir' a confined host directory
// plus the embedder's own devices (KernelHost.device) and the caller's (opts.devices).
import { fail, GoblinError } from '../error.ts';
import { devFs } from '../fs/dev.ts';
import { envFs } from '../fs/env.ts';
import { procFs, type ProcInfo } from '../fs/proc.ts';
import { RamFs } from '../fs/ram.ts';
import type { File, FileServer, Handle } from '../fs/types.ts';
import { Namespace, type Chan } from '../ns/namespace.ts';
import { cleanName } from '../ns/walk.ts';
import { applyLines, formatOp, parseText, type Dial, type MakeMountPoint, type NsLine } from '../ns/text.ts';

export interface WorldOptions {
  /** /dev/cons: whose console (none: reads and writes fail) */
  console?(): { input: Handle | null; output: Handle | null };
  /** '#e': these variables as files (none: '#e' is refused) */
  env?: Map<string, string>;
  /** '#p': the processes to show (none: '#p' is refused) */
  procs?(): Iterable<ProcInfo>;
  clock?: () => bigint;
  random?: (dst: Uint8Array) => void;
  hostDir?(path: string, readonly: boolean): FileServer;
  device?(spec: string): FileServer | undefined;
  dial?: Dial;
  /** bytes a '#t' tree may hold (default 1 GiB) */
  tmpQuota?: number;
  /** directories the skeleton starts with */
  skeleton?: string[];
}

export interface World { ns: Namespace; makeMountPoint: MakeMountPoint }

/** '#U/dir' and '#U:ro/dir' */
const HOST_SPEC = /^#U(:ro)?(\/.*)$/;

/** what an in-memory /tmp may hold unless told otherwise */
const TMP_QUOTA = 1 << 30;

const wallClock = (): bigint => BigInt(Date.now()) * 1_000_000n;

function hostRandom(dst: Uint8Array): void {
  for (let at = 0; at < dst.length; at += 65536) crypto.getRandomValues(dst.subarray(at, at + 65536));
}

/** A namespace from its texts, applied one after another (errors, NsTextErrors, name the line in its text). */
export function buildWorld(texts: string[], o: WorldOptions): World {
  const clock = o.clock ?? wallClock;
  const skeleton = new RamFs({ name: 'root', clock, readonly: true });
  const top = skeleton.root();
  skeleton.unlocked(() => { for (const d of o.skeleton ?? ['dev', 'env', 'proc', 'tmp']) top.create(d, 'dir', 0o555, true); });
  // Host trees: those the texts bind are granted, with the access they ask for;
  // after that (the shell's bind, a script) only a granted tree or one inside it,
  // and never more access than granted. Checked by path before the host is
  // touched, and again by the real path the host directory resolved to.
  const grants: { path: string; real: string; readonly: boolean }[] = [];
  let trusted = false;
  const hostTree = (spec: string, path: string, readonly: boolean): FileServer => {
    const inside = (p: string, g: string) => p === g || p.startsWith(g === '/' ? '/' : `${g}/`);
    const g = trusted ? null : grants.find(g => inside(path, g.path) && (readonly || !g.readonly));
    if (!trusted && !g) {
      const ro = grants.find(g => inside(path, g.path));
      throw fail('EPERM', ro ? `${spec}: granted read-only ('#U:ro${path}')` : `${spec}: not a host tree this namespace was granted`);
    }
    const server = o.hostDir!(path, readonly);
    if (trusted) grants.push({ path, real: server.name, readonly });
    else if (!inside(server.name, g!.real)) throw fail('EPERM', `${spec}: leads outside the host tree it was granted in`);
    return server;
  };
  const attach = (spec: string): FileServer => {
    const own = o.device?.(spec);
    if (own) return own;
    switch (spec) {
      case '#c': return devFs({ cons: o.console ?? (() => ({ input: null, output: null })), random: o.random ?? hostRandom, clock });
      case '#e': if (o.env) return envFs(o.env, clock); break;
      case '#p': if (o.procs) return procFs(o.procs, clock); break;
      case '#t': return new RamFs({ name: 'tmp', clock, quota: o.tmpQuota ?? TMP_QUOTA });
    }
    const host = HOST_SPEC.exec(spec);
    if (host) {
      if (!o.hostDir) throw fail('ENOTSUP', 'no host directories here');
      return hostTree(spec, cleanName(host[2]!), !!host[1]);
    }
    throw fail('ENOENT', `unknown device ${spec}`);
  };
  const ns = new Namespace(top, attach);
  // the texts are the embedder's: the host trees they name are what this namespace is granted
  trusted = true;
  // in the skeleton, or in the skeleton's part of a union (an appliance's image bound over /)
  const makeMountPoint = (parent: Chan, name: string, dir: boolean): boolean => {
    const at = (parent.union?.map(m => m.file) ?? [parent.file]).find(f => f.qid.dev === skeleton.dev);
    if (!at) return false;
    skeleton.unlocked(() => at.create(name, dir ? 'dir' : 'file', 0o555, true));
    return true;
  };
  for (const text of texts) {
    const lines = parseText(text); // a bad line fails before anything of its text is done
    skeleton.unlocked(() => makeParents(top, lines));
    const r = applyLines(ns, lines, { makeMountPoint, dial: o.dial });
    if (r instanceof Promise) throw fail('ENOTSUP', 'namespace setup must not wait; dial remote servers before building it');
  }
  trusted = false;
  return { ns, makeMountPoint };
}

/** Deep mount points (--dir /a/b::/a/b): their parents are made in the skeleton first. */
function makeParents(top: File, lines: readonly NsLine[]): void {
  for (const { op } of lines) {
    if (op.op === 'unmount') continue;
    let dir = top;
    for (const name of (op.args[1] ?? '').split('/').filter(Boolean).slice(0, -1)) {
      let next: File;
      try { next = dir.walk(name) as File; } catch (e) {
        if (!(e instanceof GoblinError && e.errno === 'ENOENT')) throw e;
        next = dir.create(name, 'dir', 0o555, true) as File;
      }
      if (next.qid.type !== 'dir') break;
      dir = next;
    }
  }
}

/**
 * Namespace text with each host directory named by where the namespace was first
 * granted it (`'#U</data>'`, `'#U:ro</data/sub>'`) instead of by its host path,
 * for showing a VM's namespace to other VMs.
 */
export function hideHostPaths(text: string): string {
  const granted: { host: string; guest: string }[] = [];
  return parseText(text).map(({ op }) => {
    const args = op.args.map((a, i) => {
      const m = HOST_SPEC.exec(a);
      if (!m || i !== 0) return a;
      const host = cleanName(m[2]!);
      let g = granted.find(g => host === g.host || host.startsWith(g.host === '/' ? '/' : `${g.host}/`));
      if (!g) granted.push(g = { host, guest: op.args[1] ?? '?' });
      const guest = host === g.host ? g.guest : `${g.guest === '/' ? '' : g.guest}${host.slice(g.host === '/' ? 0 : g.host.length)}`;
      return `#U${m[1] ?? ''}<${guest}>`;
    });
    return formatOp({ ...op, args }) + '\n';
  }).join('');
}

// `goblin export`: builds a namespace from --dir and --ns lines, as `goblin run`
// does for a VM, and serves it over 9P on every --listen address. The default
// aname '' is the namespace; diod's `ctl` aname is there too.
//
// The namespace starts as an empty in-memory root; bind and mount lines make
// their mount points in it. Devices a namespace file may name: '#U/dir' and
// '#U:ro/dir' (host directories), '#t' (a fresh in-memory tree), '#c' (null,
// zero, random; there is no console). A namespace that needs a VM ('#e', '#p')
// or the network (`mount`) is refused with the line that asked.

import { fail } from '../error.ts';
import type { Namespace } from '../ns/namespace.ts';
import { buildWorld } from '../kernel/world.ts';
import type { Dial } from '../ns/text.ts';
import { dialMounts } from './dial.ts';
import { dirLine, nsOf } from './options.ts';
import { Server } from '../exportfs/server.ts';
import { HostFs } from './hostfs.ts';
import { listen, type Listener } from './transport.ts';

export const DEFAULT_LISTEN = 'tcp!127.0.0.1!5640';

/** A namespace built from namespace(6) text, outside any VM. */
export function exportNamespace(text: string, dial?: Dial): Namespace {
  return buildWorld([text], { hostDir: (path, ro) => new HostFs(path, ro), dial, skeleton: [] }).ns;
}

export interface ExportSpec {
  /** dial strings (default tcp!127.0.0.1!5640) */
  listen: string[];
  /** namespace(6) text: --ns file contents and --dir lines */
  ns: string;
  /** more exports by aname, each its own namespace text */
  anames?: Record<string, string>;
  readonly?: boolean;
  /** print every 9P message on stderr */
  trace?: boolean;
  /** connections at once (default 1024) */
  maxConnections?: number;
  /** ms a connection may send nothing while holding no fid or in the middle of a message (default 60 s; 0: forever) */
  idleTimeout?: number;
}

export interface Exporting {
  readonly server: Server;
  readonly listeners: Listener[];
  close(): Promise<void>;
}

/** Starts serving; the library form of `goblin export`. */
export async function startExport(spec: ExportSpec): Promise<Exporting> {
  // remote trees in the namespace are dialed first; the export re-exports them
  const mounts = await dialMounts(spec.ns);
  const exports: Record<string, Namespace> = {};
  try {
    exports[''] = exportNamespace(spec.ns, mounts.dial);
    for (const [name, text] of Object.entries(spec.anames ?? {})) exports[name] = exportNamespace(text, mounts.dial);
  } catch (e) { mounts.close(); throw e; }
  const server = new Server({
    exports,
    readonly: spec.readonly,
    maxConnections: spec.maxConnections,
    idleTimeout: spec.idleTimeout,
    trace: spec.trace ? line => process.stderr.write(line + '\n') : undefined,
  });
  const listeners: Listener[] = [];
  try {
    for (const a of spec.listen.length ? spec.listen : [DEFAULT_LISTEN]) listeners.push(await listen(server, a));
  } catch (e) {
    await Promise.all(listeners.map(l => l.close()));
    mounts.close();
    throw e;
  }
  return {
    server, listeners,
    close: async () => {
      await Promise.all(listeners.map(l => l.close()));
      server.close();
      mounts.close();
    },
  };
}

/** `goblin export`: serve until SIGINT or SIGTERM. */
export async function runExport(o: {
  listen: string[]; ro?: boolean; dir: string[]; mount?: string[]; aname?: string[]; ns?: string; trace?: boolean;
  maxConnections?: number; idleTimeout?: number;
}): Promise<void> {
  let ex: Exporting;
  try {
    const mounts = o.mount ?? [];
    if (!o.dir.length && !mounts.length && !o.ns && !o.aname?.length) throw fail('EINVAL', 'nothing to export (give --dir HOST::GUEST, --mount ADDR::GUEST, --aname NAME::HOSTDIR or --ns FILE)');
    const text = nsOf({ dir: o.dir, env: [], ns: o.ns, mount: mounts });
    // --aname NAME::HOST[:ro]: a host directory served as its own tree, chosen by aname
    const anames: Record<string, string> = {};
    for (const a of o.aname ?? []) {
      const i = a.indexOf('::');
      if (i <= 0) throw fail('EINVAL', `--aname ${a}: expected NAME::HOSTDIR[:ro]`);
      anames[a.slice(0, i)] = dirLine(`${a.slice(i + 2)}`.replace(/(:ro)?$/, m => `::/${m}`));
    }
    ex = await startExport({
      listen: o.listen, ns: text, anames, readonly: o.ro, trace: o.trace, maxConnections: o.maxConnections, idleTimeout: o.idleTimeout,
    });
  } catch (e) {
    process.stderr.write(`goblin: export: ${(e as Error).message.replace(/^ENOENT: /, '')}\n`);
    process.exit(2);
  }
  process.stdout.write(`goblin: exporting on ${ex.listeners.map(l => l.addr).join(' ')}\n`);
  const stop = () => { void ex.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

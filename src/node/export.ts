// `goblin export`: builds a namespace from --dir and --ns lines, as `goblin run`
// does for a VM, and serves it over 9P on every --listen address. The default
// aname '' is the namespace; diod's `ctl` aname is there too.
//
// The namespace starts as an empty in-memory root; bind and mount lines make
// their mount points in it. Devices a namespace file may name: '#U/dir' and
// '#U:ro/dir' (host directories), '#t' (a fresh in-memory tree), '#c' (null,
// zero, random; there is no console). A namespace that needs a VM ('#e', '#p')
// or the network (`mount`) is refused with the line that asked.
//
// An export that a network can reach (any address but loopback and unix
// sockets) must authenticate its clients: with a token (--auth-file; the 9P
// auth exchange of ninep/auth.ts, on every listener) or on tls! listeners with
// client certificates or a pre-shared key (tls.ts). Otherwise it refuses to
// start, unless told --no-auth, which it warns about. --users then says which
// unames may attach which trees (exportfs/users.ts).

import { fail } from '../error.ts';
import type { Namespace } from '../ns/namespace.ts';
import { buildWorld } from '../kernel/world.ts';
import type { Dial } from '../ns/text.ts';
import type { Users } from '../exportfs/users.ts';
import { clientCredentials, serverAuth, type ServerAuthFlags } from './auth-options.ts';
import { dialMounts, type MountOptions } from './dial.ts';
import { DEFAULT_LISTEN, dirLine, nsOf } from './options.ts';
import { Server } from '../exportfs/server.ts';
import { HostFs } from './hostfs.ts';
import { authenticatesClients, type TlsServerConfig } from './tls.ts';
import { isPrivate, listen, type Listener } from './transport.ts';


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
  /** every attach must prove this token (the 9P auth exchange) */
  token?: Uint8Array;
  /** which unames may attach which anames */
  users?: Users;
  /** certificates or a pre-shared key for tls! listeners */
  tls?: TlsServerConfig;
  /** browser origins ws:// listeners let in (default none) */
  wsOrigins?: string[];
  /** serve network addresses without authentication (each is warned about) */
  noAuth?: boolean;
  /** receives warnings */
  warn?: (line: string) => void;
  /** credentials for the servers the namespace's mount lines dial */
  client?: Pick<MountOptions, 'tls' | 'token'>;
}

/** Listen addresses a network can reach with no authentication: not loopback or unix, no token, not tls! with client checks. */
export function unauthenticated(spec: Pick<ExportSpec, 'listen' | 'token' | 'tls'>): string[] {
  if (spec.token) return [];
  const addrs = spec.listen.length ? spec.listen : [DEFAULT_LISTEN];
  return addrs.filter(a => !isPrivate(a) && !(a.startsWith('tls!') && authenticatesClients(spec.tls)));
}

export interface Exporting {
  readonly server: Server;
  readonly listeners: Listener[];
  close(): Promise<void>;
}

/** Starts serving; the library form of `goblin export`. */
export async function startExport(spec: ExportSpec): Promise<Exporting> {
  const open = unauthenticated(spec);
  if (open.length && !spec.noAuth) {
    throw fail('EACCES', `${open[0]} is reachable from the network and nothing authenticates its clients: give --auth-file FILE, `
      + 'or listen on tls! with --tls-client-ca or --tls-psk (or --no-auth to serve anyone who connects)');
  }
  for (const a of open) spec.warn?.(`warning: ${a} serves without authentication (--no-auth): anyone who can connect may attach`);
  // remote trees in the namespace are dialed first; the export re-exports them
  const mounts = await dialMounts(spec.ns, spec.client);
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
    auth: spec.token ? { token: spec.token } : undefined,
    users: spec.users,
  });
  const listeners: Listener[] = [];
  try {
    for (const a of spec.listen.length ? spec.listen : [DEFAULT_LISTEN]) listeners.push(await listen(server, a, { tls: spec.tls, wsOrigins: spec.wsOrigins }));
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
} & ServerAuthFlags): Promise<void> {
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
    const auth = serverAuth(o);
    ex = await startExport({
      listen: o.listen, ns: text, anames, readonly: o.ro, trace: o.trace, maxConnections: o.maxConnections, idleTimeout: o.idleTimeout,
      token: auth.token, users: auth.users, tls: auth.tls, wsOrigins: auth.wsOrigins, noAuth: auth.noAuth,
      warn: line => process.stderr.write(`goblin: export: ${line}\n`),
      client: clientCredentials({}),
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

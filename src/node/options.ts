// The options every command that makes VMs shares (run, sh, export): the
// namespace (--dir, --env, --ns, --mount) and the limits (--max-memory, --fuel,
// --timeout). Each value is checked as it is parsed, so a bad one is the same
// usage error, naming its flag, in every command.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Limits } from '../kernel/vm.ts';
import { parseDuration, parseSize } from '../kernel/units.ts';
import { quote } from '../ns/text.ts';
import { fail } from '../error.ts';

export const collect = (v: string, all: string[]) => [...all, v];

/** Where `goblin export` listens unless told */
export const DEFAULT_LISTEN = 'tcp!127.0.0.1!5640';
/** How long `goblin 9p` waits for each step unless told */
export const DEFAULT_9P_TIMEOUT = 10_000;

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most */
const MAX_MEMORY = 2 ** 32;

export function size(v: string): number {
  const n = parseSize(v);
  if (n === null) throw new InvalidArgumentError(`not a size: ${v} (try 64M)`);
  return n;
}

export function memorySize(v: string): number {
  const n = size(v);
  if (n < PAGE) throw new InvalidArgumentError(`${v} is less than one wasm page (64K)`);
  if (n > MAX_MEMORY) throw new InvalidArgumentError(`${v} is more than wasm32 can address (4G)`);
  return n;
}

export function count(v: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (v.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`not a count: ${v}`);
  return n;
}

/** A duration in milliseconds: 500ms, 2s, 1.5m, 1h; a bare number is seconds. */
export function duration(v: string): number {
  const n = parseDuration(v);
  if (n === null) throw new InvalidArgumentError(`not a duration: ${v} (try 500ms, 2s, 5m or 1h)`);
  return n;
}

export interface DirSpec { host: string; guest: string; readonly: boolean }

/** `HOST::GUEST[:ro]`: HOST may hold ':' but GUEST may not, so a suffix is unambiguous. */
export function parseDir(spec: string): DirSpec {
  const i = spec.indexOf('::');
  if (i < 0) throw new InvalidArgumentError(`${spec}: expected HOST::GUEST[:ro] (where in the namespace should it go?)`);
  const host = spec.slice(0, i);
  const rest = spec.slice(i + 2);
  const m = /^([^:]+)(:ro)?$/.exec(rest);
  if (!host) throw new InvalidArgumentError(`${spec}: no host directory before ::`);
  if (!m) throw new InvalidArgumentError(`${spec}: expected HOST::GUEST or HOST::GUEST:ro (the only suffix is :ro)`);
  const guest = m[1]!.startsWith('/') ? m[1]! : `/${m[1]}`;
  return { host: resolve(host), guest, readonly: m[2] !== undefined };
}

export const collectDir = (v: string, all: string[]) => { parseDir(v); return [...all, v]; };

/** `--dir HOST::GUEST[:ro]` as a namespace line. */
export function dirLine(spec: string): string {
  const d = parseDir(spec);
  return `bind -c ${quote(`#U${d.readonly ? ':ro' : ''}${d.host}`)} ${quote(d.guest)}`;
}

export interface WorldFlags extends ClientAuthFlags {
  dir: string[]; env: string[]; ns?: string; mount: string[];
  maxMemory?: number; fuel?: number; timeout?: number;
}

/** Adds the namespace, credential and limit options to a command. */
export function worldOptions(cmd: Command): Command {
  return clientAuthOptions(cmd
    .option('--dir <HOST::GUEST[:ro]>', 'bind a host directory into the namespace (repeatable)', collectDir, [])
    .option('--env <K=V>', 'set an environment variable; K alone copies the host\'s (repeatable)', collect, [])
    .option('--ns <file>', 'namespace file: bind/mount/unmount lines to replay')
    .option('--mount <ADDR::GUEST[::ANAME]>', 'mount a 9P server (tcp!HOST!PORT, tls!HOST!PORT or unix!PATH) into the namespace (repeatable)', collect, []))
    .option('--max-memory <size>', 'most linear memory a VM may use (64K to 4G, e.g. 64M)', memorySize)
    .option('--fuel <n>', 'instructions a VM may run', count)
    .option('--timeout <duration>', 'wall-clock limit (e.g. 500ms, 2s, 5m, 1h)', duration);
}

/** The environment the flags give: K=V, or K copied from the host. */
export function envOf(o: WorldFlags): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of o.env) {
    const i = kv.indexOf('=');
    if (i < 0) { const v = process.env[kv]; if (v !== undefined) env[kv] = v; } else env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/** The namespace text the flags give: the --ns file, then --dir and --mount lines. */
export function nsOf(o: WorldFlags): string {
  return (o.ns ? readFileSync(o.ns, 'utf8') + '\n' : '') + [...o.dir.map(dirLine), ...o.mount.map(mountLine)].join('\n');
}

export function limitsOf(o: WorldFlags): Limits {
  return { maxMemory: o.maxMemory, fuel: o.fuel, timeout: o.timeout };
}

/** `--mount ADDR::GUEST[::ANAME]` as a namespace line (-c: files may be created in it, as with --dir). */
export function mountLine(spec: string): string {
  const [addr, guest, ...rest] = spec.split('::');
  if (!addr || !guest) throw fail('EINVAL', `--mount ${spec}: expected ADDR::GUEST[::ANAME], e.g. tcp!127.0.0.1!564::/n/remote`);
  const g = guest.startsWith('/') ? guest : `/${guest}`;
  const aname = rest.join('::');
  return ['mount', '-c', quote(addr), quote(g), ...(rest.length ? [quote(aname)] : [])].join(' ');
}

// The flags that say who a 9P connection is (node/auth-options.ts reads what they name).

export interface ClientAuthFlags { tlsCa?: string; tlsCert?: string; tlsKey?: string; tlsPsk?: string; authFile?: string }

/** the environment variable each client credential flag defaults to */
export const CLIENT_ENV: Record<keyof ClientAuthFlags, string> = {
  tlsCa: 'GOBLIN_TLS_CA', tlsCert: 'GOBLIN_TLS_CERT', tlsKey: 'GOBLIN_TLS_KEY', tlsPsk: 'GOBLIN_TLS_PSK', authFile: 'GOBLIN_AUTH_FILE',
};

/** Adds the client's credential flags to a command. */
export function clientAuthOptions(cmd: Command): Command {
  return cmd
    .option('--tls-ca <file>', 'tls!: CA certificate that signed the server\'s (default: Node\'s roots; env GOBLIN_TLS_CA)')
    .option('--tls-cert <file>', 'tls!: client certificate to show (with --tls-key; env GOBLIN_TLS_CERT)')
    .option('--tls-key <file>', 'tls!: its private key (env GOBLIN_TLS_KEY)')
    .option('--tls-psk <file>', 'tls!: pre-shared key, hex, in a private file (env GOBLIN_TLS_PSK)')
    .option('--auth-file <file>', 'token for 9P servers that ask (Tauth), in a private file (env GOBLIN_AUTH_FILE)');
}

export interface ServerAuthFlags {
  authFile?: string; users?: string; tlsCert?: string; tlsKey?: string; tlsClientCa?: string; tlsPsk?: string;
  wsOrigin?: string[];
  /** false with --no-auth */
  auth?: boolean;
}

/** Adds the server's authentication flags to a command. */
export function serverAuthOptions(cmd: Command): Command {
  return cmd
    .option('--auth-file <file>', 'clients must prove this token (9P Tauth, HMAC-SHA256); a private file')
    .option('--users <file>', 'who may attach to what: "uname aname ro|rw" lines')
    .option('--tls-cert <file>', 'tls!: the server\'s certificate')
    .option('--tls-key <file>', 'tls!: its private key')
    .option('--tls-client-ca <file>', 'tls!: take only clients with a certificate this CA signed')
    .option('--tls-psk <file>', 'tls!: take only clients with this pre-shared key (hex, a private file)')
    .option('--ws-origin <origin>', 'ws://: let browsers from this origin connect (repeatable; default none)', collect, [])
    .option('--no-auth', 'serve a network address without authentication (warned about)');
}

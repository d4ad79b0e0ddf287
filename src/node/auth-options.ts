// The flags that say who a 9P connection is, on both sides.
//
// Clients (run, sh, 9p; every --mount, --ns `mount` line and shell `mount`):
//   --tls-ca FILE  --tls-cert FILE  --tls-key FILE  --tls-psk FILE   for tls! addresses
//   --auth-file FILE                                                 the token, for servers that ask
// each defaulting to an environment variable (GOBLIN_TLS_CA, GOBLIN_TLS_CERT,
// GOBLIN_TLS_KEY, GOBLIN_TLS_PSK, GOBLIN_AUTH_FILE), which is also what
// `goblin export` uses for the servers its own --mount lines dial.
//
// The server (export):
//   --auth-file FILE     every attach must prove this token (ninep/auth.ts)
//   --users FILE         who may attach to what (exportfs/users.ts)
//   --tls-cert FILE --tls-key FILE [--tls-client-ca FILE] | --tls-psk FILE   for tls! listeners
//   --ws-origin ORIGIN   a browser origin allowed on ws:// listeners (repeatable)
//   --no-auth            serve a network address without authentication, warned about
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../error.ts';
import { parseUsers, type Users } from '../exportfs/users.ts';
import type { MountOptions } from './dial.ts';
import { readSecret } from './secret.ts';
import { clientConfig, serverConfig, type TlsServerConfig } from './tls.ts';

const collect = (v: string, all: string[]) => [...all, v];

export interface ClientAuthFlags { tlsCa?: string; tlsCert?: string; tlsKey?: string; tlsPsk?: string; authFile?: string }

const ENV: Record<keyof ClientAuthFlags, string> = {
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

/** The credentials the flags (or the environment) name, read and checked; errors name the flag. */
export function clientCredentials(o: ClientAuthFlags, env: Record<string, string | undefined> = process.env): Pick<MountOptions, 'tls' | 'token'> {
  const f: ClientAuthFlags = {};
  for (const k of Object.keys(ENV) as (keyof ClientAuthFlags)[]) f[k] = o[k] ?? (env[ENV[k]] || undefined);
  return { tls: clientConfig(f), token: f.authFile ? readSecret(f.authFile, '--auth-file') : undefined };
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

export interface ServerAuth { token?: Uint8Array; users?: Users; tls?: TlsServerConfig; wsOrigins: string[]; noAuth: boolean }

/** What the server's flags name, read and checked. */
export function serverAuth(o: ServerAuthFlags): ServerAuth {
  if (o.auth === false && o.authFile) throw fail('EINVAL', '--no-auth and --auth-file contradict each other');
  let users: Users | undefined;
  if (o.users) {
    let text: string;
    try { text = readFileSync(o.users, 'utf8'); } catch (e) { throw fail('EINVAL', `--users ${o.users}: ${(e as Error).message}`); }
    users = parseUsers(text, o.users);
  }
  return {
    token: o.authFile ? readSecret(o.authFile, '--auth-file') : undefined,
    users,
    tls: serverConfig(o),
    wsOrigins: o.wsOrigin ?? [],
    noAuth: o.auth === false,
  };
}

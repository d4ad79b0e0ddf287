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
import { fail } from '../error.ts';
import { parseUsers, type Users } from '../exportfs/users.ts';
import type { MountOptions } from './dial.ts';
import { readSecret } from './secret.ts';
import { clientConfig, serverConfig, type TlsServerConfig } from './tls.ts';
import { CLIENT_ENV, type ClientAuthFlags, type ServerAuthFlags } from './options.ts';

export type { ClientAuthFlags, ServerAuthFlags };

/** The credentials the flags (or the environment) name, read and checked; errors name the flag. */
export function clientCredentials(o: ClientAuthFlags, env: Record<string, string | undefined> = process.env): Pick<MountOptions, 'tls' | 'token'> {
  const f: ClientAuthFlags = {};
  for (const k of Object.keys(CLIENT_ENV) as (keyof ClientAuthFlags)[]) f[k] = o[k] ?? (env[CLIENT_ENV[k]] || undefined);
  return { tls: clientConfig(f), token: f.authFile ? readSecret(f.authFile, '--auth-file') : undefined };
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

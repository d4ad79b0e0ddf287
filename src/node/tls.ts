// 9P over TLS: tls!HOST!PORT (see transport.ts). TLS is how a client is
// authenticated on a network, in one of two ways:
//   - certificates: the server shows --tls-cert/--tls-key and takes only clients
//     whose certificate --tls-client-ca signed (requestCert, rejectUnauthorized:
//     no certificate, another CA's, or an expired one ends the handshake);
//   - a pre-shared key (--tls-psk, hex in a private file): both sides prove the
//     key in the handshake (TLS 1.3 external PSK); a wrong key ends it.
// A client checks the server's certificate against --tls-ca (default: Node's
// roots) and its name against HOST, and shows --tls-cert/--tls-key when given.
// The bytes inside are the same 9P stream as over tcp; the session never knows.

import { readFileSync } from 'node:fs';
import type * as tls from 'node:tls';
import { fail } from '../error.ts';
import { readPsk } from './secret.ts';

/** the PSK identity both sides use (the key, not the name, is the secret) */
const PSK_IDENTITY = 'goblin';

export interface TlsServerConfig {
  cert?: Uint8Array;
  key?: Uint8Array;
  /** CA whose signature a client certificate needs; given, every client must show one */
  clientCa?: Uint8Array;
  psk?: Uint8Array;
}

export interface TlsClientConfig {
  /** CA for the server's certificate (default: Node's roots) */
  ca?: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
  psk?: Uint8Array;
}

/** Whether a tls! listener with this configuration knows who its clients are. */
export const authenticatesClients = (c: TlsServerConfig | undefined): boolean => !!(c && (c.clientCa || c.psk));

export function serverOptions(c: TlsServerConfig | undefined, addr: string): tls.TlsOptions {
  if (!c || (!c.psk && !(c.cert && c.key)))
    throw fail('EINVAL', `${addr}: TLS needs --tls-cert FILE and --tls-key FILE, or --tls-psk FILE`);
  if (!!c.cert !== !!c.key) throw fail('EINVAL', `${addr}: --tls-cert and --tls-key go together`);
  const o: tls.TlsOptions = {};
  if (c.cert && c.key) Object.assign(o, { cert: Buffer.from(c.cert), key: Buffer.from(c.key) });
  if (c.clientCa) Object.assign(o, { ca: Buffer.from(c.clientCa), requestCert: true, rejectUnauthorized: true });
  if (c.psk) {
    const psk = Buffer.from(c.psk);
    Object.assign(o, { minVersion: 'TLSv1.3', pskCallback: () => psk });
  }
  return o;
}

export function clientOptions(c: TlsClientConfig | undefined, host: string, port: number): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = { host, port };
  if (!isIpLiteral(host)) o.servername = host;
  if (!c) return o;
  if (!!c.cert !== !!c.key) throw fail('EINVAL', '--tls-cert and --tls-key go together');
  if (c.ca) o.ca = Buffer.from(c.ca);
  if (c.cert && c.key) Object.assign(o, { cert: Buffer.from(c.cert), key: Buffer.from(c.key) });
  if (c.psk) {
    const psk = Buffer.from(c.psk);
    Object.assign(o, { minVersion: 'TLSv1.3', pskCallback: () => ({ psk, identity: PSK_IDENTITY }) });
  }
  return o;
}

const hints: [RegExp, string][] = [
  [/certificate required/, 'the server wants a client certificate (--tls-cert, --tls-key)'],
  [/decrypt error/, 'a wrong pre-shared key?'],
  [/handshake failure/, 'the server wants a pre-shared key or certificate this client lacks'],
  [/unknown ca|bad certificate|certificate expired|certificate unknown/, 'the server refused the client certificate'],
  [/key values mismatch/, 'the key given is not the certificate\'s'],
];

/** An error from node:tls as one plain line (EACCES): OpenSSL's reason, and what it likely means; others as they are. */
export function tlsError(e: Error): Error {
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  const m = /:SSL routines:[^:]*:([^:]+):/.exec(e.message) ?? /^error:[0-9A-Fa-f]+:[^:]*:[^:]*:(.+)$/.exec(e.message);
  if (!m && !/CERT|SSL|TLS|SELF_SIGNED|HOSTNAME|IP_ADDRESS/.test(code)) return e;
  const reason = m ? m[1]! : e.message;
  const hint = hints.find(([re]) => re.test(reason))?.[1];
  return fail('EACCES', `TLS: ${reason}${hint ? ` (${hint})` : ''}`);
}

/** A PEM file's bytes, the error naming its flag. */
export function readPem(path: string, flag: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw fail('EINVAL', `${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export interface TlsServerFiles { tlsCert?: string; tlsKey?: string; tlsClientCa?: string; tlsPsk?: string }
export interface TlsClientFiles { tlsCa?: string; tlsCert?: string; tlsKey?: string; tlsPsk?: string }

/** The server's TLS configuration from its flags; undefined when none is given. */
export function serverConfig(f: TlsServerFiles): TlsServerConfig | undefined {
  if (!f.tlsCert && !f.tlsKey && !f.tlsClientCa && !f.tlsPsk) return undefined;
  return {
    cert: f.tlsCert ? readPem(f.tlsCert, '--tls-cert') : undefined,
    key: f.tlsKey ? readPem(f.tlsKey, '--tls-key') : undefined,
    clientCa: f.tlsClientCa ? readPem(f.tlsClientCa, '--tls-client-ca') : undefined,
    psk: f.tlsPsk ? readPsk(f.tlsPsk, '--tls-psk') : undefined,
  };
}

/** A client's TLS configuration from its flags; undefined when none is given. */
export function clientConfig(f: TlsClientFiles): TlsClientConfig | undefined {
  if (!f.tlsCa && !f.tlsCert && !f.tlsKey && !f.tlsPsk) return undefined;
  return {
    ca: f.tlsCa ? readPem(f.tlsCa, '--tls-ca') : undefined,
    cert: f.tlsCert ? readPem(f.tlsCert, '--tls-cert') : undefined,
    key: f.tlsKey ? readPem(f.tlsKey, '--tls-key') : undefined,
    psk: f.tlsPsk ? readPsk(f.tlsPsk, '--tls-psk') : undefined,
  };
}

/** SNI names a host, never an address; node:net's isIP would load the socket layer into every start. */
const isIpLiteral = (host: string): boolean => host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

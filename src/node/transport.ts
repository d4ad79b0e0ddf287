// Byte-stream transports for the 9P server, addressed by Plan 9 dial strings:
//   tcp!HOST!PORT   (HOST may be * for every interface; PORT may be 0 for any, or 9fs)
//   tls!HOST!PORT   (tcp inside TLS; see tls.ts)
//   unix!PATH
// A transport hands each connection's bytes to a Session and writes its replies;
// framing and everything else is the session's. A peer that stops reading makes
// us stop reading from it (the socket's write buffer is the bound).
//   ws://HOST:PORT/PATH   (see transport-ws.ts)
// Only loopback and unix sockets are private to this machine (isPrivate): any
// other address reaches a network, where export.ts wants authentication.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import type * as tls from 'node:tls';
import { fail } from '../error.ts';
import type { Server, Session } from '../exportfs/server.ts';
import { clientOptions, serverOptions, type TlsClientConfig, type TlsServerConfig, tlsError } from './tls.ts';
import { listenWs, parseWs } from './transport-ws.ts';

/**
 * node:tls, loaded the first time a tls! address is used: most exports never
 * need it, and the heap it adds (with its certificates) makes a busy server's
 * garbage collections more frequent and dearer.
 */
const nodeTls = (): typeof tls => process.getBuiltinModule('node:tls');

export type Address = { net: 'tcp' | 'tls'; host: string; port: number } | { net: 'unix'; path: string };

/** How a listener authenticates its clients, beyond what the 9P server asks. */
export interface ListenOptions {
  /** tls! listeners: certificates or a pre-shared key */
  tls?: TlsServerConfig;
  /** ws:// listeners: the Origin headers a browser may come from (default none) */
  wsOrigins?: readonly string[];
}

/** Whether a host name or address is this machine's loopback. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** Whether only this machine can reach a listen address (a unix socket, or loopback). */
export function isPrivate(addr: string): boolean {
  const w = parseWs(addr);
  if (w) return isLoopback(w.host);
  const a = parseAddress(addr);
  return a.net === 'unix' || isLoopback(a.host);
}

const services: Record<string, number> = { '9fs': 564, '9pfs': 564, diod: 564, styx: 6666 };

/** A dial string as an address; throws EINVAL with the forms it takes. */
export function parseAddress(addr: string): Address {
  if (addr.startsWith('wss://')) throw fail('ENOTSUP', `${addr}: TLS WebSocket is not supported; use ws:// behind a TLS proxy`);
  const parts = addr.split('!');
  if (parts[0] === 'unix' && parts.length >= 2 && parts[1]) return { net: 'unix', path: parts.slice(1).join('!') };
  if ((parts[0] === 'tcp' || parts[0] === 'net' || parts[0] === 'tls') && parts.length === 3 && parts[1]) {
    const p = parts[2]!;
    const port = /^\d+$/.test(p) ? Number(p) : services[p];
    if (port !== undefined && port < 65536) return { net: parts[0] === 'tls' ? 'tls' : 'tcp', host: parts[1], port };
  }
  throw fail('EINVAL', `bad address ${JSON.stringify(addr)} (try tcp!127.0.0.1!5640, tls!HOST!5640, unix!/tmp/goblin.sock or ws://127.0.0.1:5641/9p)`);
}

export function formatAddress(a: Address): string {
  return a.net === 'unix' ? `unix!${a.path}` : `${a.net}!${a.host}!${a.port}`;
}

/** Serves one connected socket; the session ends when the socket closes. */
export function serveSocket(server: Server, sock: net.Socket): Session {
  // reading stops while the peer is not reading our replies (full) or the session holds its bytes (held)
  let full = false, held = false, reading = true, over = false;
  const flow = () => {
    const want = !full && !held;
    if (want === reading || over || sock.destroyed) return;
    reading = want;
    if (want) sock.resume(); else sock.pause();
  };
  if (sock.setNoDelay) sock.setNoDelay(true);
  // a peer that vanished without a word (a mount at rest holds fids, so no idle timeout ends it)
  if (sock.setKeepAlive) sock.setKeepAlive(true, 60_000);
  const session = server.connect({
    send(bytes, written) {
      if (sock.destroyed) return true;
      // the callback runs once the socket holds no reference to bytes (written, or failed)
      if (written ? sock.write(bytes, () => written()) : sock.write(bytes)) return true;
      // the peer is not reading: stop reading from it until what we wrote drains
      full = true;
      flow();
      return false;
    },
    close() {
      // what the peer sends now is not wanted: stop reading it, say goodbye, and let go soon even if it does not
      over = true;
      sock.pause();
      sock.end();
      setTimeout(() => sock.destroy(), 2000).unref();
    },
    pause(stop) {
      held = stop;
      flow();
    },
  });
  sock.on('drain', () => {
    if (!full) return;
    sock.cork();
    const more = session.resume();
    sock.uncork();
    if (more && !sock.writableNeedDrain) {
      full = false;
      flow();
    }
  });
  sock.on('data', (chunk: Buffer) => {
    // replies made while handling one chunk go out in one write
    sock.cork();
    try { session.receive(chunk); } finally { sock.uncork(); }
  });
  sock.on('error', () => {}); // 'close' follows
  sock.on('close', () => session.close());
  return session;
}

export interface Listener {
  /** where it listens, as a dial string (with the port the system chose for port 0) */
  readonly addr: string;
  /** stops listening and hangs up every connection */
  close(): Promise<void>;
}

/** Listens on a dial string and serves every connection. */
export async function listen(server: Server, addr: string, opts: ListenOptions = {}): Promise<Listener> {
  const w = parseWs(addr);
  if (w) return listenWs(server, w, { origins: opts.wsOrigins });
  const a = parseAddress(addr);
  const sockets = new Set<net.Socket>();
  const serve = (sock: net.Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    serveSocket(server, sock);
  };
  // tls: a connection is served once its handshake succeeds; one that fails is dropped by node:tls
  const ns: net.Server = a.net === 'tls' ? nodeTls().createServer(serverOptions(opts.tls, addr), serve) : net.createServer(serve);
  if (a.net === 'tls') {
    ns.on('connection', (raw: net.Socket) => { sockets.add(raw); raw.on('close', () => sockets.delete(raw)); });
    ns.on('tlsClientError', (_e: Error, s: tls.TLSSocket) => s.destroy());
  }
  let socketIno = 0;
  if (a.net === 'unix') socketIno = await listenUnix(ns, a.path);
  else await listenOn(ns, { host: a.host === '*' ? undefined : a.host, port: a.port });
  const bound = ns.address();
  const actual: Address = a.net === 'unix' || typeof bound !== 'object' || !bound ? a : { net: a.net, host: a.host, port: bound.port };
  return {
    addr: formatAddress(actual),
    close: () => new Promise<void>(resolve => {
      ns.close(() => {
        // only the socket this made: a path replaced since is someone else's
        if (a.net === 'unix' && socketAt(a.path)?.ino === socketIno) fs.rmSync(a.path, { force: true });
        resolve();
      });
      for (const s of sockets) s.destroy();
    }),
  };
}

function listenOn(ns: net.Server, opts: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    ns.once('error', reject);
    ns.listen(opts, () => {
      ns.off('error', reject);
      resolve();
    });
  });
}

/** The socket at path, if what is there is one. */
function socketAt(path: string): fs.Stats | null {
  const st = fs.lstatSync(path, { throwIfNoEntry: false });
  return st?.isSocket() ? st : null;
}

/**
 * Listens on a unix socket at path without ever deleting what is not ours. The
 * socket is made in a private directory beside path and then hard-linked into
 * place, which fails rather than replace anything; so Node, which unlinks the
 * path it listened on when it closes, unlinks only that private name. A socket
 * left behind by a server that is gone is replaced; a live one is not, and
 * nothing that is not a socket ever is. Answers the socket's inode.
 */
async function listenUnix(ns: net.Server, path: string): Promise<number> {
  const priv = fs.mkdtempSync(join(dirname(path), '.gl-'));
  const made = join(priv, 's');
  try {
    await listenOn(ns, { path: made });
    const ino = fs.lstatSync(made).ino;
    try {
      fs.linkSync(made, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = socketAt(path);
      if (!st) throw fail('EEXIST', `unix!${path}: the path exists and is not a socket; it is left as it is`);
      if (await alive(path)) throw fail('EADDRINUSE', `unix!${path}: a server is listening there`);
      // only the stale socket that was checked is removed; anything put there since makes the link fail
      if (socketAt(path)?.ino === st.ino) fs.rmSync(path, { force: true });
      fs.linkSync(made, path);
    }
    return ino;
  } catch (e) {
    ns.close();
    throw e;
  } finally {
    fs.rmSync(priv, { recursive: true, force: true });
  }
}

function alive(path: string): Promise<boolean> {
  return new Promise(resolve => {
    const c = net.connect({ path }, () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

export interface DialOptions {
  /** ms to wait for the connection (default: the system's own, often minutes for tcp) */
  timeout?: number;
  /** gives up: the socket is destroyed and the dial fails with the signal's reason */
  signal?: AbortSignal;
  /** tls!: the client's certificates or key */
  tls?: TlsClientConfig;
}

/** Connects to a dial string (for clients and tests); tls! with the client's certificates or key. */
export function dial(addr: string, opts: DialOptions = {}): Promise<net.Socket> {
  const a = parseAddress(addr);
  return new Promise((resolve, reject) => {
    let s: net.Socket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = (e: unknown) => { done(); s?.destroy(); reject(a.net === 'tls' && e instanceof Error ? tlsError(e) : e); };
    const abort = () => stop(opts.signal!.reason);
    const done = () => { clearTimeout(timer); opts.signal?.removeEventListener('abort', abort); };
    if (opts.signal?.aborted) return abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    if (opts.timeout !== undefined && opts.timeout > 0 && Number.isFinite(opts.timeout))
      timer = setTimeout(() => stop(fail('ETIMEDOUT', `no connection in ${opts.timeout! < 1000 ? `${opts.timeout} ms` : `${opts.timeout! / 1000} s`}`)), opts.timeout);
    let c: net.Socket;
    try {
      c = s = a.net === 'unix' ? net.connect({ path: a.path })
        : a.net === 'tls' ? nodeTls().connect(clientOptions(opts.tls, a.host, a.port))
        : net.connect({ host: a.host, port: a.port });
    } catch (e) { return stop(e); }
    c.once('error', stop);
    c.once(a.net === 'tls' ? 'secureConnect' : 'connect', () => {
      done();
      c.off('error', stop);
      c.setNoDelay(true);
      resolve(c);
    });
  });
}

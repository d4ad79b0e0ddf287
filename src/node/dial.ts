// Dialing 9P servers from Node. A dial string (tcp!HOST!PORT, tls!HOST!PORT,
// unix!PATH; see transport.ts) becomes a connected socket, a Client and an
// attached RemoteFs; MountOptions carry the credentials (tls for tls!, a token
// for the 9P auth exchange) to every server dialed.
//
// A VM's namespace is built synchronously, so `mount` lines (from --ns files and
// --mount flags) are dialed first: dialMounts connects every one, and its
// `dial` then answers each mount with the connected tree at once.
//
//   const mounts = await dialMounts(nsText);
//   const kernel = new Kernel({ dial: mounts.dial, ... });
//   ... kernel.spawn({ ns: nsText, ... }) ...
//   mounts.close();                      // the sockets keep Node running until then
//
// Files are made as the user running Goblin (uname and uid of this process), which
// is what a server like diod maps them to.
//
// Patience: each step has a timeout (dialTimeout for the connection, default
// 10 s; the client's for Tversion, Tattach and each request, see
// fs/remote/client.ts), and a signal gives up on a mount under way. dialMounts
// takes a timeout for all of its mounts at once (goblin run --timeout).

import type * as net from 'node:net';
import { userInfo } from 'node:os';
import { type Errno, fail, GoblinError } from '../error.ts';
import { Client, type ClientOptions, DEFAULT_TIMEOUTS, type RemoteFs, type Transport } from '../fs/remote/client.ts';
import type { Chan } from '../ns/namespace.ts';
import { type Dial, parseText, quote } from '../ns/text.ts';
import { type TlsClientConfig, tlsError } from './tls.ts';
import { dial } from './transport.ts';

/** A connected socket as a client transport. */
export function socketTransport(sock: net.Socket): Transport {
  return {
    send(bytes) {
      if (!sock.destroyed) sock.write(bytes);
    },
    receive(data, closed) {
      let why: Error | undefined;
      let heard = false;
      sock.on('data', (b: Buffer) => { heard = true; data(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)); });
      sock.on('error', e => { why = tlsError(e); });
      // TLS 1.3 checks a client's certificate after the handshake: a refusal is a silent hang-up
      sock.on('close', () => closed(why ?? (!heard && 'encrypted' in sock ? new Error('the server ended the TLS session (does it accept this client\'s certificate or key?)') : undefined)));
    },
    close() {
      sock.destroy();
    },
  };
}

function netError(addr: string, e: unknown): GoblinError {
  if (e instanceof GoblinError) return new GoblinError(e.errno, `${addr}: ${e.message}`);
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  let err: GoblinError;
  try { err = new GoblinError(code as Errno); } catch { err = fail('EIO', (e as Error).message); }
  return new GoblinError(err.errno, `${addr}: ${err.message}`);
}

/** ms to wait for a connection, by default */
export const DIAL_TIMEOUT = DEFAULT_TIMEOUTS.version;

/** Connects to a dial string; errors are GoblinErrors naming the address. */
export async function dialTransport(addr: string, opts: { timeout?: number; signal?: AbortSignal; tls?: TlsClientConfig } = {}): Promise<Transport> {
  try {
    return socketTransport(await dial(addr, { timeout: opts.timeout ?? DIAL_TIMEOUT, signal: opts.signal, tls: opts.tls }));
  } catch (e) {
    throw netError(addr, e);
  }
}

export interface MountOptions extends ClientOptions {
  /** ms to wait for the connection (default 10 s; 0: the system's own) */
  dialTimeout?: number;
  /** gives up on the mount (while it is being made): it fails with the signal's reason */
  signal?: AbortSignal;
  aname?: string;
  /** default: this process's user */
  uname?: string;
  uid?: number;
  gid?: number;
  /** fids the tree's Files may keep at once */
  maxFids?: number;
  /** certificates or key for tls! addresses */
  tls?: TlsClientConfig;
  /** the secret for servers that ask for 9P authentication */
  token?: Uint8Array;
}

function me(): { uname: string; uid?: number; gid?: number } {
  try {
    const u = userInfo();
    return { uname: u.username, uid: u.uid >= 0 ? u.uid : undefined, gid: u.gid >= 0 ? u.gid : undefined };
  } catch {
    return { uname: 'none' };
  }
}

/** Dials, negotiates and attaches: the remote tree as a file server. */
export async function mount9p(addr: string, opts: MountOptions = {}): Promise<RemoteFs> {
  const signal = opts.signal;
  const t = await dialTransport(addr, { timeout: opts.dialTimeout, signal, tls: opts.tls });
  // giving up while Tversion is out hangs up, which fails it; the signal's reason is what is reported
  const hangup = () => t.close();
  if (signal?.aborted) { hangup(); throw netError(addr, signal.reason); }
  signal?.addEventListener('abort', hangup, { once: true });
  const why = (e: unknown) => netError(addr, signal?.aborted ? signal.reason : e);
  try {
    let client: Client;
    try {
      client = await Client.connect(t, opts);
    } catch (e) {
      t.close();
      throw why(e);
    }
    const who = me();
    try {
      return await client.attach(opts.aname ?? '', {
        uname: opts.uname ?? who.uname, uid: opts.uid ?? who.uid, gid: opts.gid ?? who.gid,
        maxFids: opts.maxFids, name: `${addr}${opts.aname ? ` ${opts.aname}` : ''}`, signal, token: opts.token,
      });
    } catch (e) {
      client.close();
      // 9P2000.L says only the errno: say what it may be about
      const bare = e instanceof GoblinError && e.errno === 'EACCES' && !opts.token && e.message === 'permission denied';
      throw why(bare ? fail('EACCES', 'permission denied (the server refused the attach: does it want --auth-file, or another uname or aname?)') : e);
    }
  } finally {
    signal?.removeEventListener('abort', hangup);
  }
}

export { mountLine } from './options.ts';

export interface Mounts {
  /** answers each mount that was dialed with its tree's root; others fail */
  readonly dial: Dial;
  /** the trees, by `ADDR ANAME` */
  readonly trees: ReadonlyMap<string, RemoteFs>;
  /** hangs up every connection */
  close(): void;
}

const keyOf = (addr: string, aname: string): string => `${addr} ${aname}`;

/**
 * Dials every `mount` line of namespace text (one connection per address and
 * aname); a bad line is an NsTextError. With `timeout`, all of them must be made
 * within that many ms, or every one is given up and the error is ETIMEDOUT,
 * naming a mount not made.
 */
export async function dialMounts(text: string, opts: MountOptions & { timeout?: number } = {}): Promise<Mounts> {
  const wanted = new Map<string, { addr: string; aname: string }>();
  for (const { op } of parseText(text)) {
    if (op.op !== 'mount') continue;
    const addr = op.args[0]!, aname = op.args[2] ?? '';
    wanted.set(keyOf(addr, aname), { addr, aname });
  }
  const trees = new Map<string, RemoteFs>();
  const close = () => { for (const t of trees.values()) t.close(); };
  const { timeout, ...mountOpts } = opts;
  const giveUp = new AbortController();
  const timer = timeout !== undefined && wanted.size ? setTimeout(() => giveUp.abort(fail('ETIMEDOUT', `timed out after ${timeout} ms`)), timeout) : undefined;
  const signal = opts.signal ? AbortSignal.any([opts.signal, giveUp.signal]) : giveUp.signal;
  const dialed = await Promise.allSettled([...wanted].map(async ([key, w]) => {
    trees.set(key, await mount9p(w.addr, { ...mountOpts, aname: w.aname, signal }));
  }));
  clearTimeout(timer);
  const failed = dialed.find(r => r.status === 'rejected');
  if (failed) {
    close();
    const e = failed.reason as GoblinError;
    throw new GoblinError(e.errno ?? 'EIO', `mount ${e.message}`);
  }
  const dial: Dial = (addr, aname): Chan => {
    const t = trees.get(keyOf(addr, aname));
    if (!t) throw fail('ENOTCONN', `mount ${addr}: not dialed before the VM started`);
    const root = t.root();
    return { file: root, union: null, on: root };
  };
  return { dial, trees, close };
}

/**
 * A Dial that connects when asked (for the shell's `mount`, which may wait),
 * keeping one connection per address and aname until close().
 */
export function dialOnDemand(opts: MountOptions = {}): { dial: Dial; close(): void } {
  const trees = new Map<string, Promise<RemoteFs>>();
  const dial: Dial = async (addr, aname): Promise<Chan> => {
    const key = keyOf(addr, aname);
    let t = trees.get(key);
    if (!t) {
      trees.set(key, t = mount9p(addr, { ...opts, aname }));
      t.catch(() => trees.delete(key));
    }
    const root = (await t).root();
    return { file: root, union: null, on: root };
  };
  return { dial, close: () => { for (const t of trees.values()) t.then(fs => fs.close(), () => {}); } };
}

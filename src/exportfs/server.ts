// The 9P server: exports namespaces and file servers over 9P2000, 9P2000.u and
// 9P2000.L. Protocol rules live here and in session.ts (fids, tags, flush,
// open modes, directory offsets, limits), as in Plan 9's lib9p; the exported file
// servers implement fs/types.ts and never see a fid or a tag.
//
//   const server = new Server({ exports: { '': ns, scratch: new RamFs() }, readonly: false });
//   const session = server.connect({ send: bytes => socket.write(bytes), close: () => socket.end() });
//   socket.on('data', chunk => session.receive(chunk));
//   socket.on('close', () => session.close());
//
// One Server per set of exports (cheap; it holds the exports and the qid
// numbering shared by its sessions); one Session per connection (its fid table,
// requests in flight and negotiated dialect). Transports live in node/.
//
// Bounds, each a ServerOptions member with a default: connections at once
// (maxConnections: one more is answered an Rerror saying so and hung up), and
// per connection fids (maxFids), requests in flight (maxRequests), bytes held
// (maxBuffered) and an idle timeout (idleTimeout); see session.ts for what each
// does when reached. So one server holds at most about maxConnections x
// (maxBuffered + msize) bytes for its peers, whatever they send.
//
// exportfs/ sits above ns/: it serves namespaces and file servers (types and
// fs/maybe.ts), and is the one place where the wire meets the file servers.
//
// Who may attach: with `auth`, only a client that proved the token through an
// afid (auth.ts; the scheme is ninep/auth.ts); with `users`, only the unames
// listed, to the trees listed, read-only or not (users.ts).
//
// BUGS
// No permission checks on files: whoever attaches may do what the exported
// file servers allow (use readonly or read-only users). Files are reported as
// owned by the attaching user; chown is refused (EPERM).
// The auth proof binds the uname and aname, not .u/.L's numeric n_uname (which
// only sets the owner files are reported with); one token serves every user.
// Tflush cannot stop a file-server operation already under way: what it does to
// the files stands, only its reply is dropped. A connection paused for bytes
// (maxBuffered) reads nothing, Tflush included, until operations under way give
// bytes back; one whose file server never answers stays paused until the
// client gives up. Memory a closed connection gave back may stay in the
// process's allocator rather than go back to the system.
// Locks are granted without being kept. Devices, pipes and sockets look like
// plain files. A readdir entry that is a mount point carries the qid of the
// file mounted on, not of what a walk to it finds.

import { fail } from '../error.ts';
import type { File, FileServer, Maybe, Qid as FsQid } from '../fs/types.ts';
import type { Chan } from '../ns/namespace.ts';
import { type Dialect, DEFAULT_MSIZE, MAX_MSIZE } from '../ninep/consts.ts';
import { dialects as allDialects } from '../ninep/version.ts';
import type { Qid } from '../ninep/qid.ts';
import { qidType } from './attr.ts';
import type { AuthOptions } from './auth.ts';
import { ctlTree } from './ctl.ts';
import type { Users } from './users.ts';
import { type Peer, Session } from './session.ts';

export type { Peer } from './session.ts';
export { Session } from './session.ts';

/** What an export serves: a Namespace satisfies it, and so does plainTree(file). */
export interface Tree {
  readonly root: Chan;
  /** one walk step from a directory */
  step(c: Chan, name: string): Maybe<Chan>;
  /** the directory a create in c goes to (a union's create member) */
  createTarget(c: Chan): File;
  /** the chan for a file reached by other means than a walk (a create) */
  chan?(f: File): Chan;
}

export type Exported = Tree | FileServer | File;

export interface ServerOptions {
  /** aname → what it serves; '' is the default export */
  exports: Map<string, Exported> | Record<string, Exported>;
  /** every change to the exports fails with EROFS (the ctl aname is not affected) */
  readonly?: boolean;
  /** serve diod's `ctl` aname (zero, null, version, ...) unless an export takes the name; default true */
  ctl?: boolean;
  /** dialects spoken (default all three) */
  dialects?: readonly Dialect[];
  /** largest msize granted (default 1 MiB + IOHDRSZ, at most MAX_MSIZE) */
  msize?: number;
  /** fids one connection may hold (default 65536) */
  maxFids?: number;
  /** requests one connection may have in flight (default 1024) */
  maxRequests?: number;
  /** connections at once, over every transport (default 1024); more are turned away */
  maxConnections?: number;
  /** bytes of requests in flight and their replies one connection may hold before it is paused (default 8 MiB; at least 2 x msize and 256 KiB) */
  maxBuffered?: number;
  /** ms a connection may send nothing while holding no fid or in the middle of a message (default 60 s; 0: forever) */
  idleTimeout?: number;
  /** receives one line per message in and out: `Twalk tag 1 fid 0 newfid 1 "a" "b"` */
  trace?: (line: string) => void;
  /** wall clock in nanoseconds, for setattr's "now" (default Date.now) */
  clock?: () => bigint;
  /** every attach must carry an afid that proved this token (default: none needed) */
  auth?: AuthOptions;
  /** which unames may attach which anames, and how (default: anyone, anything) */
  users?: Users;
}

/** An export as the sessions see it. */
export interface Export {
  readonly name: string;
  readonly tree: Tree;
  readonly readonly: boolean;
}

/** A tree of one file server or directory, without mounts. */
export function plainTree(root: File): Tree {
  const chan = (f: File): Chan => ({ file: f, union: null, on: f });
  return {
    root: chan(root),
    step(c, name) {
      if (c.file.qid.type !== 'dir') throw fail('ENOTDIR');
      const r = c.file.walk(name);
      return r instanceof Promise ? r.then(chan) : chan(r);
    },
    createTarget: c => c.file,
    chan,
  };
}

function toTree(x: Exported): Tree {
  if ('step' in x) return x;
  if ('qid' in x) return plainTree(x);
  return plainTree(x.root());
}

const TWO48 = 2 ** 48;

/**
 * qid.path numbering, shared by the sessions of one server: unique across every
 * file server reachable from any export. Each file server (dev) gets a slot in
 * the high 16 bits the first time one of its files is seen, so the first
 * server's paths (often host inode numbers) go out unchanged; a path too large
 * for the remaining 48 bits gets a number of its own, with the top bit set.
 */
export class QidMap {
  private readonly slots = new Map<number, bigint>();
  private readonly big = new Map<string, bigint>();

  path(dev: number, path: number): bigint {
    let slot = this.slots.get(dev);
    if (slot === undefined) this.slots.set(dev, slot = BigInt(this.slots.size) << 48n);
    if (path >= 0 && path < TWO48 && Number.isInteger(path) && slot < 0x8000n << 48n) return slot | BigInt(path);
    const key = `${dev}:${path}`;
    let n = this.big.get(key);
    if (n === undefined) this.big.set(key, n = (1n << 63n) | BigInt(this.big.size));
    return n;
  }

  qid(q: FsQid): Qid {
    return { type: qidType(q.type), version: 0, path: this.path(q.dev, q.path) };
  }
}

export class Server {
  readonly exports: ReadonlyMap<string, Export>;
  readonly dialects: readonly Dialect[];
  readonly msize: number;
  readonly maxFids: number;
  readonly maxRequests: number;
  readonly maxConnections: number;
  readonly maxBuffered: number;
  readonly idleTimeout: number;
  readonly trace: ((line: string) => void) | undefined;
  readonly clock: () => bigint;
  readonly auth: AuthOptions | undefined;
  readonly users: Users | undefined;
  readonly qids = new QidMap();
  /** the connections now open */
  readonly sessions = new Set<Session>();

  constructor(opts: ServerOptions) {
    const given = opts.exports instanceof Map ? opts.exports : new Map(Object.entries(opts.exports));
    const exports = new Map<string, Export>();
    for (const [name, x] of given) exports.set(name, { name, tree: toTree(x), readonly: !!opts.readonly });
    if (opts.ctl !== false && !exports.has('ctl')) exports.set('ctl', { name: 'ctl', tree: toTree(ctlTree(this)), readonly: false });
    this.exports = exports;
    this.dialects = opts.dialects ?? allDialects;
    this.msize = Math.min(opts.msize ?? DEFAULT_MSIZE, MAX_MSIZE);
    this.maxFids = opts.maxFids ?? 65536;
    this.maxRequests = opts.maxRequests ?? 1024;
    this.maxConnections = opts.maxConnections ?? 1024;
    // at least two whole messages, and more than a socket hands over in one chunk
    this.maxBuffered = Math.max(opts.maxBuffered ?? 8 << 20, 2 * this.msize, 256 << 10);
    this.idleTimeout = opts.idleTimeout ?? 60_000;
    this.trace = opts.trace;
    this.clock = opts.clock ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.auth = opts.auth;
    this.users = opts.users;
  }

  /**
   * A new connection; the transport feeds it bytes and closes it on hang-up.
   * Past maxConnections the session answers (an Rerror to the Tversion to come)
   * and hangs up at once.
   */
  connect(peer: Peer): Session {
    const s = new Session(this, peer);
    if (this.sessions.size >= this.maxConnections) s.refuse(`9P: too many connections (at most ${this.maxConnections})`);
    else this.sessions.add(s);
    return s;
  }

  /** Hangs up every connection. */
  close(): void {
    for (const s of this.sessions) s.close();
  }
}

// The 9P client: one Client per connection. It negotiates the dialect and msize
// (version(5): 9P2000.L first, then 9P2000.u, then 9P2000), numbers requests with
// tags so that many are in flight at once, hands out fid numbers, and turns error
// replies into GoblinErrors. attach() presents a remote tree as a FileServer
// (RemoteFs, remote-fs.ts), which is where fids are kept and clunked.
//
//   const client = await Client.connect(transport, { uname: 'glenda' });
//   const fs = await client.attach('');          // a FileServer
//   const lib = await fs.root().walk('lib');    // a File holding a fid
//
// The transport is any ordered byte stream (node/dial.ts: tcp and unix sockets;
// exportfs/loop.ts: a Server in the same process). Core code: no node: modules.
//
// A lost connection fails every request in flight, and every later one, with
// EIO: nothing waits forever on a peer that is gone. Replies that break the
// protocol (undecodable, the wrong type for their tag) fail their own request
// with EIO; bytes that break the framing end the connection.
//
// Costs: a Client is one socket's worth of state (a tag table, a framer holding
// at most one partial message of at most msize bytes). A request allocates its
// encoded bytes and a Promise; Rread data is a view into the received bytes and
// is copied once, into the caller's buffer.
//
// Authentication: given a token, attach first proves it through an afid
// (auth.ts; the scheme is ninep/auth.ts).
//
// BUGS
// Requests are never flushed: an abandoned request's reply is simply dropped when it comes.

import { fail, fromErrorText, fromLinuxErrno, GoblinError } from '../../error.ts';
import { DecodeError, decode, encode } from '../../ninep/codec.ts';
import { type Dialect, DEFAULT_MSIZE, IOHDRSZ, MAX_MSIZE, NOFID, NONUNAME, NOTAG } from '../../ninep/consts.ts';
import { Framer } from '../../ninep/frame.ts';
import type { Msg, MsgKind, MsgOf } from '../../ninep/messages.ts';
import { trace } from '../../ninep/trace.ts';
import { clientVersion } from '../../ninep/version.ts';
import { authenticate } from './auth.ts';
import { RemoteFs } from './remote-fs.ts';

export { RemoteFs } from './remote-fs.ts';

/** An ordered byte stream to a 9P server. */
export interface Transport {
  /** Writes one whole message; messages reach the peer in the order sent. */
  send(bytes: Uint8Array): void;
  /**
   * Starts delivery: `data` gets the stream's bytes in order, in chunks of any
   * size whose memory the transport never reuses; `closed` is called once, when
   * the stream ends or breaks (with the reason, if there is one).
   */
  receive(data: (chunk: Uint8Array) => void, closed: (reason?: Error) => void): void;
  /** Hangs up; `closed` follows. */
  close(): void;
}

export interface ClientOptions {
  /** the richest dialect to ask for (default 9P2000.L); the client steps down from it */
  dialect?: Dialect;
  /** the msize to ask for (default 1 MiB of data per read or write, plus the header) */
  msize?: number;
  /** requests sent and not yet answered, at most (default 64); more wait their turn */
  maxRequests?: number;
  /** receives one line per message out and in: `Twalk tag 1 fid 0 newfid 1 "a"` */
  trace?: (line: string) => void;
}

export interface AttachOptions {
  /** user name sent in Tattach (default 'none') */
  uname?: string;
  /** numeric user id for 9P2000.u and .L (default: none sent) */
  uid?: number;
  /** group id for files made through 9P2000.L (default: the uid, else 0) */
  gid?: number;
  /** fids the tree's Files may keep at once (default 1024); the least recently used are clunked past that */
  maxFids?: number;
  /** name of the file server (default: the aname, or 'remote') */
  name?: string;
  /** a secret to prove through Tauth (goblin-hmac-sha256) before attaching */
  token?: Uint8Array;
}

/** A request as callers write it: any T-message, without its tag. */
export type Request = { [K in MsgKind]: K extends `T${string}` ? Omit<MsgOf<K>, 'tag'> & { kind: K } : never }[MsgKind];
/** The reply a request expects: Twalk → Rwalk. */
export type ReplyTo<K> = K extends `T${infer N}` ? MsgOf<Extract<`R${N}`, MsgKind>> : never;

interface Pending {
  /** the kind of reply that answers it */
  readonly want: string;
  readonly resolve: (m: Msg) => void;
  readonly reject: (e: GoblinError) => void;
}

interface Queued { readonly bytes: Uint8Array; readonly p: Pending }

const DEFAULT_REQUESTS = 64;

export class Client {
  private readonly transport: Transport;
  private readonly framer: Framer;
  private readonly traceLine: ((line: string) => void) | undefined;
  private _dialect: Dialect = '9P2000';
  private _msize: number;
  /** requests in flight, by tag (NOTAG for Tversion) */
  private readonly pending = new Map<number, Pending>();
  private readonly freeTags: number[] = [];
  private nextTag = 0;
  private readonly maxRequests: number;
  /** requests waiting for a tag, encoded with tag 0 */
  private readonly queue: Queued[] = [];
  private readonly freeFids: number[] = [];
  private nextFid = 0;
  private lostWith: GoblinError | null = null;
  private readonly hooks: ((e: GoblinError) => void)[] = [];

  private constructor(transport: Transport, opts: ClientOptions) {
    this.transport = transport;
    this._msize = Math.min(opts.msize ?? DEFAULT_MSIZE, MAX_MSIZE);
    this.framer = new Framer(this._msize);
    this.traceLine = opts.trace;
    this.maxRequests = Math.max(1, Math.min(opts.maxRequests ?? DEFAULT_REQUESTS, NOTAG));
    transport.receive(chunk => this.data(chunk), why => this.lost(why));
  }

  /** Opens a session on a connected transport: version negotiation, nothing else. */
  static async connect(transport: Transport, opts: ClientOptions = {}): Promise<Client> {
    const c = new Client(transport, opts);
    try {
      await c.version(opts.dialect ?? '9P2000.L');
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  get dialect(): Dialect { return this._dialect; }
  get msize(): number { return this._msize; }
  /** the most data one Tread or Twrite can carry */
  get iounit(): number { return this._msize - IOHDRSZ; }
  /** undefined while the connection is up; the EIO every request now fails with once it is lost */
  get lostError(): GoblinError | null { return this.lostWith; }
  /** requests sent and not yet answered */
  get inFlight(): number { return this.pending.size; }

  /** Attaches to `aname` and answers the tree as a file server. */
  async attach(aname = '', opts: AttachOptions = {}): Promise<RemoteFs> {
    const uname = opts.uname ?? 'none';
    const afid = opts.token ? await authenticate(this, opts.token, uname, aname, opts.uid) : NOFID;
    const fid = this.newFid();
    let r: MsgOf<'Rattach'>;
    try {
      r = await this.rpc({ kind: 'Tattach', fid, afid, uname, aname, n_uname: opts.uid ?? NONUNAME });
    } catch (e) {
      this.freeFid(fid);
      throw e;
    } finally {
      if (afid !== NOFID) this.clunk(afid);
    }
    return new RemoteFs(this, fid, r.qid, {
      name: opts.name ?? (aname || 'remote'), maxFids: opts.maxFids ?? 1024, gid: opts.gid ?? opts.uid ?? 0,
    });
  }

  /** Hangs up: every request in flight fails with EIO. */
  close(): void {
    this.lost(undefined, 'connection closed');
  }

  /** Called once when the connection is lost (at once if it already is). */
  onClose(f: (e: GoblinError) => void): void {
    if (this.lostWith) f(this.lostWith);
    else this.hooks.push(f);
  }

  // ---- requests

  /** Sends a request and answers its reply; an error reply rejects with its GoblinError. */
  rpc<R extends Request>(req: R): Promise<ReplyTo<R['kind']>> {
    return new Promise<Msg>((resolve, reject) => {
      if (this.lostWith) return reject(this.lostWith);
      let bytes: Uint8Array;
      try {
        bytes = encode({ ...req, tag: 0 } as Msg, this._dialect);
        if (bytes.length > this._msize) throw fail('EMSGSIZE', `9P: ${req.kind} of ${bytes.length} bytes exceeds msize ${this._msize}`);
      } catch (e) {
        return reject(e);
      }
      const p: Pending = { want: `R${req.kind.slice(1)}`, resolve, reject };
      const tag = this.takeTag();
      if (tag < 0) this.queue.push({ bytes, p });
      else this.send(tag, bytes, p);
    }) as Promise<ReplyTo<R['kind']>>;
  }

  private takeTag(): number {
    if (this.pending.size >= this.maxRequests) return -1;
    return this.freeTags.pop() ?? this.nextTag++;
  }

  private send(tag: number, bytes: Uint8Array, p: Pending): void {
    bytes[5] = tag & 0xff;
    bytes[6] = tag >>> 8;
    this.pending.set(tag, p);
    if (this.traceLine) {
      const m = decode(bytes, this._dialect);
      if (!(m instanceof DecodeError)) this.traceLine(trace(m));
    }
    try {
      this.transport.send(bytes);
    } catch (e) {
      this.lost(e instanceof Error ? e : undefined);
    }
  }

  // ---- fids (numbers only: what they name is RemoteFs's business)

  newFid(): number {
    const f = this.freeFids.pop();
    if (f !== undefined) return f;
    if (this.nextFid === NOFID) throw fail('EMFILE', '9P: out of fid numbers');
    return this.nextFid++;
  }

  /** Returns a fid number the server does not know (a walk to it failed). */
  freeFid(fid: number): void {
    this.freeFids.push(fid);
  }

  /** Tclunk without waiting; the number is reused once the server has let go of it. */
  clunk(fid: number): void {
    if (this.lostWith) return;
    this.rpc({ kind: 'Tclunk', fid }).then(() => this.freeFid(fid), () => { if (!this.lostWith) this.freeFid(fid); });
  }

  // ---- version(5)

  private async version(asked: Dialect): Promise<void> {
    let want: Dialect = asked;
    for (;;) {
      const r = await new Promise<Msg>((resolve, reject) => {
        if (this.lostWith) return reject(this.lostWith);
        const bytes = encode({ kind: 'Tversion', tag: NOTAG, msize: this._msize, version: want }, '9P2000');
        this.send(NOTAG, bytes, { want: 'Rversion', resolve, reject });
      }) as MsgOf<'Rversion'>;
      const v = clientVersion(want, this._msize, r);
      if (v instanceof GoblinError) throw v;
      if ('retry' in v) { want = v.retry; continue; }
      this._dialect = v.dialect;
      this._msize = v.msize;
      this.framer.msize = v.msize;
      return;
    }
  }

  // ---- replies

  private data(chunk: Uint8Array): void {
    if (this.lostWith) return;
    const err = this.framer.push(chunk, m => this.reply(m));
    if (err) this.lost(err);
  }

  private reply(bytes: Uint8Array): void {
    // before Tversion settles, only Rversion (and a plain Rerror) can come back
    const dialect = this.pending.has(NOTAG) ? '9P2000' : this._dialect;
    const m = decode(bytes, dialect);
    if (m instanceof DecodeError) {
      this.traceLine?.(`error ${JSON.stringify(m.message)}`);
      const p = m.tag === undefined ? undefined : this.pending.get(m.tag);
      if (!p) return this.lost(m);
      this.done(m.tag!);
      p.reject(fail('EIO', `9P: bad reply: ${m.message}`));
      return;
    }
    this.traceLine?.(trace(m));
    const p = this.pending.get(m.tag);
    if (!p) return; // nothing asked with that tag: a confused peer; ignore it
    this.done(m.tag);
    if (m.kind === p.want) p.resolve(m);
    else if (m.kind === 'Rlerror') p.reject(fromLinuxErrno(m.ecode));
    else if (m.kind === 'Rerror') p.reject(rerror(m));
    else p.reject(fail('EIO', `9P: ${m.kind} answered a request that wants ${p.want}`));
  }

  /** The tag is free again: send the next request that waited for one. */
  private done(tag: number): void {
    this.pending.delete(tag);
    if (tag === NOTAG) return;
    this.freeTags.push(tag);
    const q = this.queue.shift();
    if (q) this.send(this.takeTag(), q.bytes, q.p);
  }

  private lost(why?: Error, what = 'connection lost'): void {
    if (this.lostWith) return;
    const e = fail('EIO', `9P: ${what}${why?.message ? `: ${why.message}` : ''}`);
    this.lostWith = e;
    const waiting = [...this.pending.values(), ...this.queue.map(q => q.p)];
    this.pending.clear();
    this.queue.length = 0;
    for (const p of waiting) p.reject(e);
    try { this.transport.close(); } catch { /* already gone */ }
    for (const f of this.hooks.splice(0)) f(e);
  }
}

// Texts other Plan 9 servers use (lib9p, the kernel, u9fs's strerror) for
// errors that Goblin words differently.
const plan9Texts: Record<string, GoblinError['errno']> = {
  'file not found': 'ENOENT', 'no such file or directory': 'ENOENT', 'file exists': 'EEXIST',
  'create prohibited': 'EACCES', 'file is a directory': 'EISDIR', 'bad use of fid': 'EBADF',
};

/** An Rerror as an error: its errno when 9P2000.u sent one, else what its text says. */
function rerror(m: MsgOf<'Rerror'>): GoblinError {
  if (m.errno) {
    const e = fromLinuxErrno(m.errno);
    if (e.errno !== 'EIO' || m.errno === 5) return new GoblinError(e.errno, m.ename || undefined);
  }
  const e = fromErrorText(m.ename);
  if (e.errno !== 'EIO') return e;
  const known = plan9Texts[m.ename.toLowerCase()];
  return known ? new GoblinError(known, m.ename) : e;
}

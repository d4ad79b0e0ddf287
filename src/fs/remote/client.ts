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
// exportfs/loop.ts: a Server in the same process). Core code: no node: modules;
// timers only through globalThis's setTimeout and clearTimeout.
//
// Patience. Nothing waits forever on a server that does not answer: Tversion
// has versionTimeout (default 10 s), Tattach attachTimeout (10 s), every other
// request timeout (30 s), each counted from the call (time spent waiting for a
// tag included) and each changeable per call (rpc's options, with an
// AbortSignal to cancel). Tversion unanswered ends the connection (ETIMEDOUT):
// it cannot be flushed. Any other request that times out fails with ETIMEDOUT,
// one cancelled with EINTR, at once; if it had been sent, a Tflush for its tag
// follows (flush(5)): its tag is not reused until Rflush comes, and a reply
// that comes before the Rflush is honoured as if nothing had been flushed (a
// fid an Rwalk or Rattach made is clunked; a fid named by a request in doubt
// is not handed out again until the server has settled it). A Tflush that is
// not answered within the request's timeout ends the connection: a server that
// cannot flush is stuck. A request that only waited for a tag is dropped
// without a word to the server.
//
// Protocol errors end the connection. A reply whose tag no request in flight
// holds, or whose type is neither the one its request wants nor an error
// (Rerror, Rlerror), or an error in answer to Tflush (which can never fail),
// means the peer and we no longer agree on what is outstanding: there is no
// safe way to match later replies, so (as Linux's v9fs does with a tag it did
// not send) the connection is closed and every request fails with EPROTO,
// naming the reply. A reply with a known tag that does not decode fails only
// its own request (EIO): the framing still holds. Bytes that break the framing
// end the connection too (EIO). A lost connection fails every request in
// flight, and every later one, with EIO (or the error that ended it).
//
// Costs: a Client is one socket's worth of state (a tag table, a framer holding
// at most one partial message of at most msize bytes). A request allocates its
// encoded bytes, a Promise and a timer; Rread data is a view into the received
// bytes and is copied once, into the caller's buffer.
//
// Authentication: given a token, attach first proves it through an afid
// (auth.ts; the scheme is ninep/auth.ts).
//
// BUGS
// Authentication, when attach is given a token: Tauth and the goblin-hmac-sha256
// exchange (fs/remote/auth.ts) before Tattach; otherwise afid is NOFID. A request
// that timed out may still have happened on the server (a Twrite, a Tremove):
// flush(5) promises only that no reply follows the Rflush. RemoteFs passes no
// signal: a VM killed while it waits on a remote request leaves that request to
// its timeout.

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

/** Timeouts default to these (ms). */
export const DEFAULT_TIMEOUTS = { version: 10_000, attach: 10_000, request: 30_000 } as const;

export interface ClientOptions {
  /** the richest dialect to ask for (default 9P2000.L); the client steps down from it */
  dialect?: Dialect;
  /** the msize to ask for (default 1 MiB of data per read or write, plus the header) */
  msize?: number;
  /** requests sent and not yet answered, at most (default 64); more wait their turn */
  maxRequests?: number;
  /** receives one line per message out and in: `Twalk tag 1 fid 0 newfid 1 "a"` */
  trace?: (line: string) => void;
  /** ms to wait for each Rversion (default 10 s; 0: forever); then the connection is closed */
  versionTimeout?: number;
  /** ms to wait for Rattach (default 10 s; 0: forever) */
  attachTimeout?: number;
  /** ms any other request may wait for its reply (default 30 s; 0: forever); then it is flushed */
  timeout?: number;
}

/** One request's own patience. */
export interface RpcOptions {
  /** ms to wait for the reply (default: the client's timeout; 0: forever) */
  timeout?: number;
  /** cancels the request: it fails with EINTR (or the signal's reason, if a GoblinError) and is flushed */
  signal?: AbortSignal;
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
  /** cancels the attach */
  signal?: AbortSignal;
  /** a secret to prove through Tauth (goblin-hmac-sha256) before attaching */
  token?: Uint8Array;
}

/** A request as callers write it: any T-message, without its tag. */
export type Request = { [K in MsgKind]: K extends `T${string}` ? Omit<MsgOf<K>, 'tag'> & { kind: K } : never }[MsgKind];
/** The reply a request expects: Twalk → Rwalk. */
export type ReplyTo<K> = K extends `T${infer N}` ? MsgOf<Extract<`R${N}`, MsgKind>> : never;

/** What a request does to a fid number, for when it is abandoned. */
type FidUse =
  | { readonly fid: number; readonly made: true; readonly names: number } // Tattach, or Twalk to a new fid
  | { readonly fid: number; readonly made: false }; // Tclunk, Tremove: it goes

interface Pending {
  readonly kind: MsgKind;
  /** the kind of reply that answers it */
  readonly want: string;
  readonly resolve: (m: Msg) => void;
  readonly reject: (e: GoblinError) => void;
  readonly fidUse: FidUse | undefined;
  /** Tflush only: the tag it flushes */
  readonly flushes?: number;
  tag: number;
  timer?: ReturnType<typeof setTimeout>;
  /** stops listening to the caller's AbortSignal */
  unlisten?: () => void;
  /** the caller has had its answer (a timeout or a cancel); what comes now is bookkeeping */
  abandoned: boolean;
  /** its bytes while it waits for a tag */
  bytes?: Uint8Array;
}

const DEFAULT_REQUESTS = 64;
const MAX_REQUESTS = (NOTAG - 1) >>> 1;

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

function fidUse(req: Request): FidUse | undefined {
  switch (req.kind) {
    case 'Tattach': return { fid: req.fid, made: true, names: 0 };
    case 'Twalk': return req.newfid === req.fid ? undefined : { fid: req.newfid, made: true, names: req.wname.length };
    case 'Tclunk': case 'Tremove': return { fid: req.fid, made: false };
    default: return undefined;
  }
}

export class Client {
  private readonly transport: Transport;
  private readonly framer: Framer;
  private readonly traceLine: ((line: string) => void) | undefined;
  private _dialect: Dialect = '9P2000';
  private _msize: number;
  /** requests sent and awaiting their reply, by tag (NOTAG for Tversion); Tflushes included */
  private readonly pending = new Map<number, Pending>();
  /** tags of abandoned requests already answered, free once their Rflush comes */
  private readonly held = new Set<number>();
  /** requests (not Tflushes) whose tag is taken: pending or held */
  private sent = 0;
  private readonly freeTags: number[] = [];
  private nextTag = 0;
  private readonly maxRequests: number;
  private readonly timeouts: { version: number; attach: number; request: number };
  /** requests waiting for a tag, encoded with tag 0 */
  private readonly queue: Pending[] = [];
  private readonly freeFids: number[] = [];
  /**
   * fid numbers an abandoned request names. The client settles them once the
   * server has answered; the caller's own freeFid for the failed request is
   * swallowed (it may come before or after).
   */
  private readonly owed = new Set<number>();
  private nextFid = 0;
  private lostWith: GoblinError | null = null;
  private readonly hooks: ((e: GoblinError) => void)[] = [];

  private constructor(transport: Transport, opts: ClientOptions) {
    this.transport = transport;
    this._msize = Math.min(opts.msize ?? DEFAULT_MSIZE, MAX_MSIZE);
    this.framer = new Framer(this._msize);
    this.traceLine = opts.trace;
    // each request in flight may also have a Tflush out: both fit below NOTAG
    this.maxRequests = Math.max(1, Math.min(opts.maxRequests ?? DEFAULT_REQUESTS, MAX_REQUESTS));
    this.timeouts = {
      version: opts.versionTimeout ?? DEFAULT_TIMEOUTS.version,
      attach: opts.attachTimeout ?? DEFAULT_TIMEOUTS.attach,
      request: opts.timeout ?? DEFAULT_TIMEOUTS.request,
    };
    transport.receive(chunk => this.data(chunk), why => this.lost(fail('EIO', `9P: connection lost${why?.message ? `: ${why.message}` : ''}`)));
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
  /** null while the connection is up; the error every request now fails with once it is lost */
  get lostError(): GoblinError | null { return this.lostWith; }
  /** requests sent and not yet answered (Tflushes included) */
  get inFlight(): number { return this.pending.size; }

  /** Attaches to `aname` and answers the tree as a file server. */
  async attach(aname = '', opts: AttachOptions = {}): Promise<RemoteFs> {
    const uname = opts.uname ?? 'none';
    const afid = opts.token ? await authenticate(this, opts.token, uname, aname, opts.uid) : NOFID;
    const fid = this.newFid();
    let r: MsgOf<'Rattach'>;
    try {
      r = await this.rpc({ kind: 'Tattach', fid, afid, uname, aname, n_uname: opts.uid ?? NONUNAME },
        { timeout: this.timeouts.attach, signal: opts.signal });
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
    this.lost(fail('EIO', '9P: connection closed'));
  }

  /** Called once when the connection is lost (at once if it already is). */
  onClose(f: (e: GoblinError) => void): void {
    if (this.lostWith) f(this.lostWith);
    else this.hooks.push(f);
  }

  // ---- requests

  /** Sends a request and answers its reply; an error reply rejects with its GoblinError. */
  rpc<R extends Request>(req: R, opts: RpcOptions = {}): Promise<ReplyTo<R['kind']>> {
    return new Promise<Msg>((resolve, reject) => {
      if (this.lostWith) return reject(this.lostWith);
      const signal = opts.signal;
      if (signal?.aborted) return reject(cancelled(req.kind, signal));
      let bytes: Uint8Array;
      try {
        bytes = encode({ ...req, tag: 0 } as Msg, this._dialect);
        if (bytes.length > this._msize) throw fail('EMSGSIZE', `9P: ${req.kind} of ${bytes.length} bytes exceeds msize ${this._msize}`);
      } catch (e) {
        return reject(e);
      }
      const p: Pending = {
        kind: req.kind, want: `R${req.kind.slice(1)}`, resolve, reject, fidUse: fidUse(req), tag: -1, abandoned: false,
      };
      const ms = opts.timeout ?? this.timeouts.request;
      if (ms > 0 && Number.isFinite(ms)) {
        p.timer = setTimeout(() => this.abandon(p, fail('ETIMEDOUT', `9P: no reply to ${req.kind} in ${seconds(ms)}`)), ms);
      }
      if (signal) {
        const stop = () => this.abandon(p, cancelled(req.kind, signal));
        signal.addEventListener('abort', stop, { once: true });
        p.unlisten = () => signal.removeEventListener('abort', stop);
      }
      const tag = this.takeTag();
      if (tag < 0) {
        p.bytes = bytes;
        this.queue.push(p);
      } else this.send(tag, bytes, p);
    }) as Promise<ReplyTo<R['kind']>>;
  }

  private takeTag(): number {
    if (this.sent >= this.maxRequests) return -1;
    this.sent++;
    return this.anyTag();
  }

  /**
   * A free tag, whatever maxRequests says (for Tflush, which must go out even
   * when the others wait). Never runs out: at most maxRequests requests and as
   * many Tflushes hold tags.
   */
  private anyTag(): number {
    return this.freeTags.pop() ?? this.nextTag++;
  }

  private send(tag: number, bytes: Uint8Array, p: Pending): void {
    bytes[5] = tag & 0xff;
    bytes[6] = tag >>> 8;
    p.tag = tag;
    p.bytes = undefined;
    this.pending.set(tag, p);
    if (this.traceLine) {
      const m = decode(bytes, tag === NOTAG ? '9P2000' : this._dialect);
      if (!(m instanceof DecodeError)) this.traceLine(trace(m));
    }
    try {
      this.transport.send(bytes);
    } catch (e) {
      this.lost(fail('EIO', `9P: connection lost${e instanceof Error && e.message ? `: ${e.message}` : ''}`));
    }
  }

  /** The caller gives up on p (a timeout, a cancel): answer it now, then flush it if it was sent. */
  private abandon(p: Pending, e: GoblinError): void {
    if (p.abandoned || this.lostWith) return;
    p.abandoned = true;
    this.quiet(p);
    p.reject(e);
    const q = this.queue.indexOf(p);
    if (q >= 0) { // never sent: nothing to tell the server
      this.queue.splice(q, 1);
      return;
    }
    if (p.tag === NOTAG) return this.lost(e); // Tversion cannot be flushed
    if (p.fidUse) this.owed.add(p.fidUse.fid);
    const ftag = this.anyTag();
    const f: Pending = {
      kind: 'Tflush', want: 'Rflush', resolve: () => {}, reject: () => {}, fidUse: undefined, flushes: p.tag, tag: -1, abandoned: false,
    };
    const ms = this.timeouts.request;
    if (ms > 0 && Number.isFinite(ms)) {
      f.timer = setTimeout(() => this.lost(fail('ETIMEDOUT', `9P: no Rflush for ${p.kind} (tag ${p.tag}) in ${seconds(ms)}`)), ms);
    }
    this.send(ftag, encode({ kind: 'Tflush', tag: ftag, oldtag: p.tag }, this._dialect), f);
  }

  /** Stops p's timer and signal listener. */
  private quiet(p: Pending): void {
    clearTimeout(p.timer);
    p.timer = undefined;
    p.unlisten?.();
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
    if (this.owed.delete(fid)) return; // a request given up on names it: the client settles it with the server
    this.freeFids.push(fid);
  }

  /** Tclunk without waiting; the number is reused once the server has let go of it. */
  clunk(fid: number): void {
    if (this.lostWith) return;
    this.rpc({ kind: 'Tclunk', fid }).then(() => this.freeFid(fid), () => { if (!this.lostWith) this.freeFid(fid); });
  }

  /** An abandoned request's fid, now that the server has said what became of it. */
  private settleFid(use: FidUse, state: 'exists' | 'gone' | 'unknown'): void {
    const fid = use.fid;
    if (state === 'exists') {
      // clunk(5): the fid is gone whatever the answer
      this.rpc({ kind: 'Tclunk', fid }).then(() => this.freeFids.push(fid), () => { if (!this.lostWith) this.freeFids.push(fid); });
    } else if (state === 'gone') this.freeFids.push(fid);
    // unknown: the number is never handed out again
  }

  // ---- version(5)

  private async version(asked: Dialect): Promise<void> {
    let want: Dialect = asked;
    for (;;) {
      const r = await new Promise<Msg>((resolve, reject) => {
        if (this.lostWith) return reject(this.lostWith);
        const bytes = encode({ kind: 'Tversion', tag: NOTAG, msize: this._msize, version: want }, '9P2000');
        const p: Pending = { kind: 'Tversion', want: 'Rversion', resolve, reject, fidUse: undefined, tag: NOTAG, abandoned: false };
        const ms = this.timeouts.version;
        if (ms > 0 && Number.isFinite(ms)) p.timer = setTimeout(() => this.abandon(p, fail('ETIMEDOUT', `9P: no Rversion in ${seconds(ms)}`)), ms);
        this.send(NOTAG, bytes, p);
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
    const err = this.framer.push(chunk, m => { if (!this.lostWith) this.reply(m); });
    if (err) this.lost(fail('EIO', `9P: connection lost: ${err.message}`));
  }

  private protocol(what: string): void {
    this.traceLine?.(`error ${JSON.stringify(what)}`);
    this.lost(fail('EPROTO', `9P: protocol error: ${what}`));
  }

  private reply(bytes: Uint8Array): void {
    // before Tversion settles, only Rversion (and a plain Rerror) can come back
    const dialect = this.pending.has(NOTAG) ? '9P2000' : this._dialect;
    const m = decode(bytes, dialect);
    if (m instanceof DecodeError) {
      this.traceLine?.(`error ${JSON.stringify(m.message)}`);
      const p = m.tag === undefined ? undefined : this.pending.get(m.tag);
      if (!p) return this.protocol(`a reply that does not decode (${m.message}) with ${m.tag === undefined ? 'no tag' : `tag ${m.tag}, which no request in flight has`}`);
      if (p.flushes !== undefined) return this.protocol(`the reply to Tflush (tag ${m.tag}) does not decode: ${m.message}`);
      return this.answered(p, undefined, fail('EIO', `9P: bad reply: ${m.message}`), true);
    }
    this.traceLine?.(trace(m));
    const p = this.pending.get(m.tag);
    if (!p) return this.protocol(`${m.kind} with tag ${m.tag}, which no request in flight has`);
    const isError = m.kind === 'Rlerror' || m.kind === 'Rerror';
    if (p.flushes !== undefined) {
      if (m.kind !== 'Rflush') return this.protocol(`${m.kind} answered Tflush (tag ${m.tag}), which cannot fail`);
      return this.flushed(p);
    }
    if (m.kind !== p.want && !isError) return this.protocol(`${m.kind} answered ${p.kind} (tag ${m.tag})`);
    if (m.kind === p.want) return this.answered(p, m);
    this.answered(p, undefined, m.kind === 'Rlerror' ? fromLinuxErrno(m.ecode) : rerror(m as MsgOf<'Rerror'>));
  }

  /**
   * p's reply came (ok, or err; `garbled` if it did not decode): answer the
   * caller, or, if it gave up on p, settle p's fid and hold p's tag until Rflush.
   */
  private answered(p: Pending, ok: Msg | undefined, err?: GoblinError, garbled = false): void {
    this.pending.delete(p.tag);
    this.quiet(p);
    if (p.abandoned) {
      this.held.add(p.tag);
      const u = p.fidUse;
      // flush(5): a reply before the Rflush stands. A walk makes its new fid only if every name was walked;
      // clunk(5), remove(5): the fid goes, even when they fail
      if (u) this.settleFid(u, garbled ? 'unknown' : ok && u.made && (ok.kind !== 'Rwalk' || ok.wqid.length === u.names) ? 'exists' : 'gone');
      return;
    }
    this.release(p.tag);
    if (ok) p.resolve(ok);
    else p.reject(err!);
  }

  /** Rflush: the flushed tag and the flush's own are free; a request that got no reply did nothing to its fid. */
  private flushed(f: Pending): void {
    this.pending.delete(f.tag);
    this.quiet(f);
    const old = f.flushes!;
    const p = this.pending.get(old);
    if (p) { // no reply came: flush(5) says none will
      this.pending.delete(old);
      this.quiet(p);
      // a new fid was not made; a fid a flushed Tclunk or Tremove named is still there
      if (p.fidUse) this.settleFid(p.fidUse, p.fidUse.made ? 'gone' : 'exists');
    }
    this.held.delete(old);
    this.freeTag(f.tag);
    this.release(old);
  }

  private freeTag(tag: number): void {
    if (tag !== NOTAG) this.freeTags.push(tag);
  }

  /** A request's tag is free again: send the next request that waited for one. */
  private release(tag: number): void {
    if (tag === NOTAG) return;
    this.freeTags.push(tag);
    this.sent--;
    const q = this.queue.shift();
    if (q) this.send(this.takeTag(), q.bytes!, q);
  }

  private lost(e: GoblinError): void {
    if (this.lostWith) return;
    this.lostWith = e;
    const waiting = [...this.pending.values(), ...this.queue];
    this.pending.clear();
    this.queue.length = 0;
    this.held.clear();
    for (const p of waiting) {
      this.quiet(p);
      if (!p.abandoned) p.reject(e);
    }
    this.framer.clear();
    try { this.transport.close(); } catch { /* already gone */ }
    for (const f of this.hooks.splice(0)) f(e);
  }
}

function cancelled(kind: string, signal: AbortSignal): GoblinError {
  const r: unknown = signal.reason;
  return r instanceof GoblinError ? r : fail('EINTR', `9P: ${kind} cancelled`);
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

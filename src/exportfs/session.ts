// One 9P connection: framing, version negotiation, tags, flush, limits and the
// fid table. Each request is handled on its own; file-server operations may
// answer later (a Promise), so replies may go out in any order.
//
// Check, then commit (lib9p's pairing): a handler checks and does its work, and
// leaves what it would change in the fid table as req.commit, run only if the
// request succeeded and is still wanted; otherwise req.undo runs (closing a
// handle an abandoned open made, freeing a newfid a failed walk reserved).
//
// Tflush (flush(5)): a request still in flight is marked flushed and Rflush goes
// out at once; the flushed request's reply is never sent and its commit never
// runs (what it did to the files stands, as when Plan 9 aborts a request). A
// request already answered has had its reply sent before Rflush. Tflush is
// never answered with an error.
//
// Hang-up and Tversion abandon every request in flight and clunk every fid;
// a handle is closed once no request still uses its fid.
//
// Bounds (the Server's options): fids (maxFids) and requests in flight
// (maxRequests) per connection, refused with EMFILE and EAGAIN; and bytes. Each
// request in flight is charged its message's size plus, for Tread and Treaddir,
// the reply it asked for; past maxBuffered bytes charged, requests wait (in
// arrival order) and the transport is asked to stop reading (Peer.pause), so a
// connection holds at most maxBuffered bytes of requests and replies, one
// partial message (at most msize, and only what has arrived of it, frame.ts)
// and the transport's chunk in hand. Waiting requests past maxBuffered bytes
// (a transport that cannot pause) end the connection.
//
// Idle connections: one that sends nothing for idleTimeout ms is closed if it
// is in the middle of a message, or holds no fid and has no request in flight
// (it never attached, or let go of everything). A connection holding fids is
// a mount at rest and is kept; the transport's keepalive finds a peer that is
// gone. A closed session keeps nothing: fids, partial message, waiting
// requests and its timer go with it.

import { errorText, fail, linuxErrno } from '../error.ts';
import { drive } from '../fs/maybe.ts';
import type { File, Maybe } from '../fs/types.ts';
import { DecodeError, decode, encode } from '../ninep/codec.ts';
import { type Dialect, IOHDRSZ, NOFID, NOTAG } from '../ninep/consts.ts';
import { Framer } from '../ninep/frame.ts';
import type { Msg, MsgOf } from '../ninep/messages.ts';
import type { Qid } from '../ninep/qid.ts';
import { Fid, removeNode } from './fid.ts';
import { ops, type Reply } from './ops.ts';
import type { Export, Server } from './server.ts';
import { trace, traceError } from '../ninep/trace.ts';
import { serverVersion } from '../ninep/version.ts';

/** The transport side of a session. */
export interface Peer {
  /**
   * One whole message, to be written in order with the others. Answering false
   * says the transport's buffer is full: the session handles no more requests
   * until the transport calls resume(), so a peer that does not read its
   * replies cannot make the server pile them up.
   * A transport may call `written` once it holds no reference to msg any more
   * (the bytes are in the system's hands): the session then reuses the buffer
   * for a later reply of this connection. One that never calls it costs only
   * an allocation per reply.
   */
  send(msg: Uint8Array, written?: () => void): boolean | void;
  /** the session is over: close the connection (called once) */
  close(): void;
  /**
   * Stop (true) or restart (false) reading from the connection: the session
   * holds maxBuffered bytes of requests and wants no more for now. Optional; a
   * transport without it is never paused for this.
   */
  pause?(stop: boolean): void;
}

/** Tread and Treaddir: type[1] at 4; count[4] at 19 (after tag[2] fid[4] offset[8]). */
const TREAD = 116, TREADDIR = 40, COUNT_AT = 19;

const now: () => number = () => globalThis.performance?.now() ?? Date.now();

export class Req {
  readonly tag: number;
  flushed = false;
  commit: (() => void) | null = null;
  undo: (() => void) | null = null;
  /** fids this request holds a reference on */
  readonly held: Fid[] = [];
  /** a newfid this request reserved, or -1 */
  reserved = -1;
  /** bytes charged to the connection while it is in flight */
  cost = 0;
  /** a reply buffer of the session's this request's reply is built in (Tread), or null */
  lent: Uint8Array | null = null;
  constructor(tag: number) { this.tag = tag; }
}

export class Session {
  readonly server: Server;
  private readonly peer: Peer;
  private readonly framer: Framer;
  /** undefined until Tversion settles on one */
  dialect: Dialect | undefined = undefined;
  msize: number;
  /** the most data one read, write or readdir moves */
  iounit: number;
  closed = false;
  /** the transport asked us to wait; requests that arrive meanwhile wait in backlog */
  private blocked = false;
  private readonly backlog: Uint8Array[] = [];
  /** bytes in backlog */
  private backlogBytes = 0;
  /** bytes charged by the requests in flight (or abandoned but not yet finished) */
  private charged = 0;
  /** Peer.pause(true) was asked, for bytes */
  private inputPaused = false;
  private pumping = false;
  /** when the peer last sent bytes (ms, performance.now) */
  private heard = now();
  private idleTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly fids = new Map<number, Fid>();
  private readonly reserved = new Map<number, Req>();
  private readonly inflight = new Map<number, Req>();
  /**
   * Reply buffers of msize bytes the transport has given back, for the next
   * Tread to build its Rread in: a 64 KiB allocation per read, and the garbage
   * collections its memory sets off, cost more than the read. Only this
   * connection's replies are ever built in them, so what one could still hold
   * is what this peer was sent already. Kept only while they and the requests
   * in flight stay within maxBuffered.
   */
  private readonly spare: Uint8Array[] = [];

  constructor(server: Server, peer: Peer) {
    this.server = server;
    this.peer = peer;
    this.msize = server.msize;
    this.iounit = server.msize - IOHDRSZ;
    this.framer = new Framer(server.msize);
    if (server.idleTimeout > 0) this.watch(server.idleTimeout);
  }

  /** fids held now */
  get fidCount(): number { return this.fids.size; }
  /** requests in flight now */
  get requestCount(): number { return this.inflight.size; }
  /** bytes this connection holds: charged to requests in flight, waiting, and of a partial message */
  get buffered(): number { return this.charged + this.backlogBytes + this.framer.pending + this.spare.length * this.msize; }

  /** Bytes from the stream, in order. A broken stream (a bad size field) ends the session. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    this.heard = now();
    const err = this.framer.push(chunk, m => {
      if (this.closed) return;
      if (this.blocked || this.backlog.length || this.full(m)) this.wait(m);
      else this.message(m);
    });
    if (err && !this.closed) {
      this.server.trace?.(`error ${JSON.stringify(err.message)}`);
      this.close();
    }
  }

  /** The transport can take more: handle the requests that waited. Answers false if it filled up again. */
  resume(): boolean {
    this.blocked = false;
    this.pump();
    return !this.blocked;
  }

  /** requests received but not yet handled, because the transport is full */
  get waiting(): number { return this.backlog.length; }

  /** Hang-up: abandon what is in flight, clunk every fid, close the transport. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.abandon();
    this.backlog.length = 0;
    this.backlogBytes = 0;
    this.framer.clear();
    this.dropSpares();
    this.server.sessions.delete(this);
    try { this.peer.close(); } catch { /* already gone */ }
  }

  /** Turns a connection away before it begins: an Rerror (9P2000, NOTAG, as to a Tversion) saying why, then hang-up. */
  refuse(why: string): void {
    this.send({ kind: 'Rerror', tag: NOTAG, ename: why });
    this.close();
  }

  // ---- bytes and time

  /** What a request costs while in flight: its bytes, and a Tread's or Treaddir's reply. */
  private cost(m: Uint8Array): number {
    if ((m[4] === TREAD || m[4] === TREADDIR) && m.length >= COUNT_AT + 4) {
      const count = (m[COUNT_AT]! | (m[COUNT_AT + 1]! << 8) | (m[COUNT_AT + 2]! << 16) | (m[COUNT_AT + 3]! << 24)) >>> 0;
      return m.length + IOHDRSZ + Math.min(count, this.iounit);
    }
    return m.length;
  }

  /** Whether m must wait for requests in flight to give back bytes. */
  private full(m: Uint8Array): boolean {
    return this.charged > 0 && this.charged + this.cost(m) > this.server.maxBuffered;
  }

  private wait(m: Uint8Array): void {
    this.backlog.push(m);
    this.backlogBytes += m.length;
    if (this.backlogBytes > this.server.maxBuffered) {
      this.server.trace?.(`error "9P: more than ${this.server.maxBuffered} bytes of requests waiting"`);
      return this.close();
    }
    this.flow();
  }

  /** Asks the transport to stop reading while the first waiting request waits for bytes, and to go on once it does not. */
  private flow(): void {
    const stop = !this.closed && this.backlog.length > 0 && this.full(this.backlog[0]!);
    if (stop === this.inputPaused) return;
    this.inputPaused = stop;
    this.peer.pause?.(stop);
  }

  /** Handles waiting requests while the transport has room and bytes are free. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.blocked && !this.closed && this.backlog.length && !this.full(this.backlog[0]!)) {
        const m = this.backlog.shift()!;
        this.backlogBytes -= m.length;
        this.message(m);
      }
    } finally { this.pumping = false; }
    this.flow();
  }

  private watch(ms: number): void {
    const t = setTimeout(() => this.idle(), ms);
    (t as { unref?: () => void }).unref?.(); // a quiet connection alone does not keep a process up
    this.idleTimer = t;
  }

  private idle(): void {
    if (this.closed) return;
    const limit = this.server.idleTimeout;
    const quiet = now() - this.heard;
    const midMessage = this.framer.pending > 0;
    const unused = this.fids.size === 0 && this.reserved.size === 0 && this.inflight.size === 0 && this.backlog.length === 0;
    if (quiet >= limit && (midMessage || unused)) {
      this.server.trace?.(`error "9P: idle for ${Math.round(quiet)} ms${midMessage ? ' in the middle of a message' : ''}; hanging up"`);
      return this.close();
    }
    this.watch(quiet >= limit ? limit : limit - quiet);
  }

  private abandon(): void {
    for (const r of this.inflight.values()) r.flushed = true;
    this.inflight.clear();
    for (const f of [...this.fids.values()]) this.clunk(f);
  }

  private message(bytes: Uint8Array): void {
    if (this.closed) return;
    const m = decode(bytes, this.dialect ?? '9P2000');
    if (m instanceof DecodeError) {
      this.server.trace?.(traceError(m));
      if (m.tag !== undefined) this.send(this.error(m.tag, m));
      return;
    }
    this.server.trace?.(trace(m));
    const tag = m.tag;
    if (m.kind === 'Tversion') return this.version(m);
    if (m.kind === 'Tflush') return this.flush(m);
    if (this.dialect === undefined) return this.send(this.error(tag, fail('EPROTO', '9P: Tversion must come first')));
    if (m.kind[0] !== 'T') return this.send(this.error(tag, fail('EPROTO', `9P: ${m.kind} is not a request`)));
    if (this.inflight.has(tag)) return this.send(this.error(tag, fail('EPROTO', `9P: tag ${tag} is in use`)));
    if (this.inflight.size >= this.server.maxRequests)
      return this.send(this.error(tag, fail('EAGAIN', `9P: too many requests in flight (at most ${this.server.maxRequests} per connection)`)));
    const op = ops[m.kind] as ((s: Session, r: Req, m: Msg) => Maybe<Reply>) | undefined;
    if (!op) return this.send(this.error(tag, fail('ENOTSUP', `9P: ${m.kind} is not supported`)));
    const req = new Req(tag);
    req.cost = this.cost(bytes);
    this.charged += req.cost;
    this.inflight.set(tag, req);
    let r: Maybe<Reply>;
    try { r = op(this, req, m); } catch (e) { return this.finish(req, this.error(tag, e), false); }
    if (r instanceof Promise) r.then(x => this.finish(req, x, true), e => this.finish(req, this.error(tag, e), false));
    else this.finish(req, r, true);
  }

  private finish(req: Req, reply: Reply, ok: boolean): void {
    if (this.inflight.get(req.tag) === req) this.inflight.delete(req.tag);
    const live = !req.flushed && !this.closed;
    const step = ok && live ? req.commit : req.undo;
    if (step) try { step(); } catch { /* a commit or undo never fails the reply */ }
    for (const f of req.held) { f.refs--; this.settle(f); }
    if (req.reserved >= 0 && this.reserved.get(req.reserved) === req) this.reserved.delete(req.reserved);
    this.charged -= req.cost;
    const lent = req.lent;
    if (!live) { if (lent) this.giveBack(lent); }
    else if (lent && reply instanceof Uint8Array && reply.buffer === lent.buffer) this.send(reply, () => this.giveBack(lent));
    else {
      if (lent) this.giveBack(lent);
      this.send(reply);
    }
    if (this.backlog.length) this.pump();
  }

  private version(m: MsgOf<'Tversion'>): void {
    this.abandon(); // version(5): a new session begins
    const v = serverVersion(m, this.server.dialects, this.server.msize);
    this.dialect = v.dialect;
    if (v.dialect) {
      if (v.msize !== this.msize) this.dropSpares();
      this.msize = v.msize;
      this.iounit = v.msize - IOHDRSZ;
      this.framer.msize = v.msize;
    }
    this.send({ kind: 'Rversion', tag: m.tag, msize: v.msize, version: v.version });
  }

  private flush(m: MsgOf<'Tflush'>): void {
    const old = this.inflight.get(m.oldtag);
    if (old && m.oldtag !== m.tag) {
      old.flushed = true;
      this.inflight.delete(m.oldtag);
    }
    this.send({ kind: 'Rflush', tag: m.tag });
  }

  private send(reply: Reply, written?: () => void): void {
    const d = this.dialect ?? '9P2000';
    let bytes: Uint8Array;
    if (reply instanceof Uint8Array) bytes = reply;
    else {
      try {
        bytes = encode(reply, d);
        if (bytes.length > this.msize) throw fail('EMSGSIZE', `9P: ${reply.kind} of ${bytes.length} bytes exceeds msize ${this.msize}`);
      } catch (e) {
        reply = this.error(reply.tag, e);
        bytes = encode(reply, d);
      }
    }
    if (this.server.trace) {
      const m = reply instanceof Uint8Array ? decode(reply, d) : reply;
      this.server.trace(m instanceof DecodeError ? traceError(m) : trace(m));
    }
    let room: boolean | void;
    try { room = written ? this.peer.send(bytes, written) : this.peer.send(bytes); } catch { return this.close(); } // a transport that throws is gone
    if (room === false) this.blocked = true;
  }

  /** The error reply the dialect uses: Rlerror with a Linux errno, or Rerror with text (and errno in .u). */
  error(tag: number, e: unknown): Msg {
    if (this.dialect === '9P2000.L') return { kind: 'Rlerror', tag, ecode: linuxErrno(e) };
    if (this.dialect === '9P2000.u') return { kind: 'Rerror', tag, ename: errorText(e), errno: linuxErrno(e) };
    return { kind: 'Rerror', tag, ename: errorText(e) };
  }

  // ---- for the handlers in ops.ts

  /** The fid, referenced for the rest of the request. */
  fid(req: Req, id: number): Fid {
    const f = this.fids.get(id);
    if (!f) throw fail('EBADF', `9P: unknown fid ${id}`);
    f.refs++;
    req.held.push(f);
    return f;
  }

  /** Claims a new fid number for this request (attach, walk); freed if the request fails. */
  reserve(req: Req, id: number): void {
    const r = this.reserved.get(id);
    if (id === NOFID || this.fids.has(id) || (r && !r.flushed)) throw fail('EBADF', `9P: fid ${id} is in use`);
    if (this.fids.size + this.reserved.size >= this.server.maxFids)
      throw fail('EMFILE', `9P: too many fids (at most ${this.server.maxFids} per connection)`);
    this.reserved.set(id, req);
    req.reserved = id;
  }

  install(f: Fid): void { this.fids.set(f.id, f); }

  /**
   * A buffer of at least n bytes (n <= msize) for req's reply, reused from an
   * earlier reply when one is free. Its contents are not cleared: the reply
   * must send only bytes written into it for this request.
   */
  replyBuffer(req: Req, n: number): Uint8Array {
    if (n > this.msize) return new Uint8Array(n);
    const b = this.spare.pop() ?? new Uint8Array(this.msize);
    req.lent = b;
    return b;
  }

  /** A reply buffer the transport is done with. */
  private giveBack(b: Uint8Array): void {
    if (this.closed || b.length !== this.msize || this.spare.length >= 4) return;
    if (this.charged + this.backlogBytes + (this.spare.length + 1) * this.msize > this.server.maxBuffered) return;
    this.spare.push(b);
  }

  /** Lets go of the spare reply buffers and their memory at once (see frame.ts). */
  private dropSpares(): void {
    for (const b of this.spare.splice(0)) (b.buffer as ArrayBuffer).transfer?.(0);
  }

  /** Forgets the fid; its handle closes when the last request using it ends. */
  clunk(f: Fid): void {
    if (this.fids.get(f.id) === f) this.fids.delete(f.id);
    f.clunked = true;
    this.settle(f);
  }

  private settle(f: Fid): void {
    if (!f.clunked || f.refs > 0 || !f.open) return;
    const o = f.open;
    f.open = null;
    try { o.handle?.close(); } catch { /* nothing to tell anyone */ }
    if (o.orclose && !f.exp.readonly) {
      try {
        const r = drive(removeNode(f.node));
        if (r instanceof Promise) r.catch(() => {});
      } catch { /* ORCLOSE is best effort */ }
    }
  }

  writable(exp: Export): void {
    if (exp.readonly) throw fail('EROFS');
  }

  qid(f: File): Qid { return this.server.qids.qid(f.qid); }
}

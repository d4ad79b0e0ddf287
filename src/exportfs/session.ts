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

import { errorText, fail, linuxErrno } from '../error.ts';
import { drive } from '../fs/maybe.ts';
import type { File, Maybe } from '../fs/types.ts';
import { DecodeError, decode, encode } from '../ninep/codec.ts';
import { type Dialect, IOHDRSZ, NOFID } from '../ninep/consts.ts';
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
   */
  send(msg: Uint8Array): boolean | void;
  /** the session is over: close the connection (called once) */
  close(): void;
}

export class Req {
  readonly tag: number;
  flushed = false;
  commit: (() => void) | null = null;
  undo: (() => void) | null = null;
  /** fids this request holds a reference on */
  readonly held: Fid[] = [];
  /** a newfid this request reserved, or -1 */
  reserved = -1;
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
  private readonly fids = new Map<number, Fid>();
  private readonly reserved = new Map<number, Req>();
  private readonly inflight = new Map<number, Req>();

  constructor(server: Server, peer: Peer) {
    this.server = server;
    this.peer = peer;
    this.msize = server.msize;
    this.iounit = server.msize - IOHDRSZ;
    this.framer = new Framer(server.msize);
  }

  /** fids held now */
  get fidCount(): number { return this.fids.size; }
  /** requests in flight now */
  get requestCount(): number { return this.inflight.size; }

  /** Bytes from the stream, in order. A broken stream (a bad size field) ends the session. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    const err = this.framer.push(chunk, m => {
      if (this.blocked || this.backlog.length) this.backlog.push(m);
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
    while (!this.blocked && !this.closed && this.backlog.length) this.message(this.backlog.shift()!);
    return !this.blocked;
  }

  /** requests received but not yet handled, because the transport is full */
  get waiting(): number { return this.backlog.length; }

  /** Hang-up: abandon what is in flight, clunk every fid, close the transport. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abandon();
    this.backlog.length = 0;
    this.server.sessions.delete(this);
    try { this.peer.close(); } catch { /* already gone */ }
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
    if (live) this.send(reply);
  }

  private version(m: MsgOf<'Tversion'>): void {
    this.abandon(); // version(5): a new session begins
    const v = serverVersion(m, this.server.dialects, this.server.msize);
    this.dialect = v.dialect;
    if (v.dialect) {
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

  private send(reply: Reply): void {
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
    try { room = this.peer.send(bytes); } catch { return this.close(); } // a transport that throws is gone
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

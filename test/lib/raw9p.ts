// A 9P client for tests that sends exactly the messages it is given (Goblin's
// codec, no policy of its own), wired straight to a Server's session or to a
// socket; replies are collected in arrival order and matched by tag.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { Server, Session } from '../../src/exportfs/server.ts';
import { DecodeError, decode, type Dialect, encode, Framer, type Msg, type MsgKind, type MsgOf, NOFID, trace } from '../../src/ninep/index.ts';

/** A request without its tag; rpc gives it one. */
export type Untagged = { [K in MsgKind]: Omit<MsgOf<K>, 'tag'> & { kind: K } }[MsgKind];

export class Raw9p {
  dialect: Dialect = '9P2000';
  readonly replies: Msg[] = [];
  private readonly framer = new Framer(1 << 24);
  private waiters: (() => void)[] = [];
  private nextTag = 1;
  closed = false;
  /** when set, every message sent and received, as trace lines */
  transcript: string[] | null = null;
  private readonly write: (b: Uint8Array) => void;

  constructor(write: (b: Uint8Array) => void) { this.write = write; }

  /** A client wired to a new session of server. */
  static local(server: Server): { c: Raw9p; session: Session } {
    let session!: Session;
    const c = new Raw9p(b => session.receive(b));
    session = server.connect({ send: b => c.bytes(b), close: () => c.hangup() });
    return { c, session };
  }

  static socket(s: Socket): Raw9p {
    const c = new Raw9p(b => s.write(b));
    s.on('data', (b: Buffer) => c.bytes(new Uint8Array(b)));
    s.on('close', () => c.hangup());
    s.on('error', () => {});
    return c;
  }

  bytes(chunk: Uint8Array): void {
    const err = this.framer.push(chunk, b => {
      const m = decode(b.slice(), this.dialect);
      if (m instanceof DecodeError) throw m;
      this.transcript?.push(trace(m));
      this.replies.push(m);
    });
    if (err) throw err;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  hangup(): void {
    this.closed = true;
    for (const f of this.waiters) f();
  }

  raw(b: Uint8Array): void { this.write(b); }

  send(m: Msg): void {
    this.transcript?.push(trace(m));
    this.write(encode(m, this.dialect));
  }

  /** The reply with this tag, taken out of the queue. */
  async reply(tag: number, ms = 5000): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.replies.findIndex(r => r.tag === tag);
      if (i >= 0) return this.replies.splice(i, 1)[0]!;
      if (this.closed) throw new Error(`hung up while waiting for tag ${tag}`);
      if (Date.now() > deadline) throw new Error(`no reply for tag ${tag}`);
      await new Promise<void>(r => { this.waiters.push(r); setTimeout(r, 20); });
    }
  }

  async rpc(m: Untagged, ms = 5000): Promise<Msg> {
    const tag = this.nextTag++ & 0x7fff;
    this.send({ ...m, tag } as Msg);
    return this.reply(tag, ms);
  }

  async ok<K extends MsgKind>(m: Untagged, kind: K): Promise<MsgOf<K>> {
    const r = await this.rpc(m);
    if (r.kind !== kind) assert.fail(`${m.kind}: expected ${kind}, got ${trace(r)}`);
    return r as MsgOf<K>;
  }

  /** Tversion; the dialect the server answers is the one spoken from then on. */
  async version(dialect: Dialect, msize = 65536): Promise<MsgOf<'Rversion'>> {
    this.dialect = '9P2000';
    const r = await this.ok({ kind: 'Tversion', msize, version: dialect }, 'Rversion');
    if (r.version !== 'unknown') this.dialect = r.version as Dialect;
    return r;
  }

  async attach(fid = 0, aname = ''): Promise<MsgOf<'Rattach'>> {
    return this.ok({ kind: 'Tattach', fid, afid: NOFID, uname: 'glenda', aname, n_uname: 1000 }, 'Rattach');
  }

  async errno(m: Untagged): Promise<number> {
    const r = await this.rpc(m);
    if (r.kind !== 'Rlerror') assert.fail(`${m.kind}: expected Rlerror, got ${trace(r)}`);
    return r.ecode;
  }

  async etext(m: Untagged): Promise<string> {
    const r = await this.rpc(m);
    if (r.kind !== 'Rerror') assert.fail(`${m.kind}: expected Rerror, got ${trace(r)}`);
    return r.ename;
  }

  /** The error a request got, as the dialect says it: an errno for .L and .u, the text too for 9P2000. */
  async error(m: Untagged): Promise<{ errno?: number; text?: string }> {
    const r = await this.rpc(m);
    if (r.kind === 'Rlerror') return { errno: r.ecode };
    if (r.kind === 'Rerror') return { errno: r.errno, text: r.ename };
    return assert.fail(`${m.kind}: expected an error, got ${trace(r)}`);
  }
}

/** Linux errnos the tests look for. */
export const E = { EPERM: 1, ENOENT: 2, EBADF: 9, EACCES: 13, EBUSY: 16, EINVAL: 22, EMFILE: 24, EROFS: 30, ENOTSUP: 95 } as const;

/** Tattach's user fields in the dialect (9P2000 has no n_uname). */
export const who = (d: Dialect, uname: string, uid = 1000): { uname: string; n_uname?: number } =>
  d === '9P2000' ? { uname } : { uname, n_uname: uid };

/** Asserts an error reply means errno (by number in .L and .u, by text in 9P2000). */
export function assertErr(got: { errno?: number; text?: string }, d: Dialect, errno: number, text: RegExp, what: string): void {
  if (d === '9P2000') assert.match(got.text ?? '', text, what);
  else assert.equal(got.errno, errno, `${what}: ${JSON.stringify(got)}`);
}

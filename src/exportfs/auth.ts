// The server's side of authentication (the scheme is in ninep/auth.ts): Tauth
// makes an afid that holds a nonce, reading it gives the challenge, writing it
// checks the proof, and Tattach admits only an afid whose proof was right, for
// the uname and aname it was made for.
//
// An afid is a fid like any other (it counts against maxFids, Tversion and
// hang-up clunk it) whose file is an AuthFile, open for reading and writing from
// the start. Its state (waiting, proven, spent) lives in the AuthFile, so a
// clone of the afid (Twalk with no names) shares it; it cannot be opened,
// walked from or changed.
//
// Without a key, Tauth answers ENOENT ("not required", the 9P2000.L convention
// Linux and diod expect) and Tattach must carry NOFID.

import { fail } from '../error.ts';
import { FileBase, HandleBase } from '../fs/defaults.ts';
import { newDev, type Handle, type Qid as FsQid, type Stat } from '../fs/types.ts';
import { NOFID, QTAUTH } from '../ninep/consts.ts';
import { challengeText, equalBytes, newNonce, parseProof, proof } from '../ninep/auth.ts';
import type { Msg, MsgOf } from '../ninep/messages.ts';
import { Fid, opened, rootNode } from './fid.ts';
import type { Export } from './server.ts';
import type { Req, Session } from './session.ts';

export interface AuthOptions {
  /** the shared secret a client proves it holds */
  token: Uint8Array;
}

/** One dev for every afid's file: their paths are numbered by a counter. */
const AUTH_DEV = newDev();
let nextPath = 1;

type State = 'waiting' | 'proven' | 'spent';

export class AuthFile extends FileBase {
  readonly qid: FsQid = { dev: AUTH_DEV, path: nextPath++, type: 'file' };
  readonly uname: string;
  readonly aname: string;
  private readonly token: Uint8Array;
  private readonly nonce = newNonce();
  private state: State = 'waiting';
  /** a proof is being checked now */
  private checking = false;

  constructor(token: Uint8Array, uname: string, aname: string) {
    super();
    this.token = token;
    this.uname = uname;
    this.aname = aname;
  }

  stat(): Stat {
    return { type: 'file', dev: AUTH_DEV, ino: this.qid.path, mode: 0o600, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n };
  }

  open(): Handle { throw fail('EPERM', 'an afid is read and written as it is, never opened'); }

  /** The handle the afid is open with. */
  handle(): Handle {
    const f = this;
    const text = challengeText(this.nonce);
    return new (class extends HandleBase {
      readonly seekable = true;
      read(dst: Uint8Array, offset: number): number {
        const src = text.subarray(Math.min(offset, text.length));
        const n = Math.min(src.length, dst.length);
        dst.set(src.subarray(0, n));
        return n;
      }
      write(src: Uint8Array): Promise<number> { return f.check(src); }
    })();
  }

  private async check(src: Uint8Array): Promise<number> {
    if (this.state === 'proven') throw fail('EINVAL', '9P auth: this afid is already proven');
    if (this.state === 'spent') throw fail('EACCES', '9P auth: this afid was spent by a wrong proof; start again with Tauth');
    if (this.checking) throw fail('EBUSY', '9P auth: a proof is being checked on this afid');
    this.checking = true;
    try {
      const got = parseProof(src);
      const want = await proof(this.token, this.nonce, this.uname, this.aname);
      if (!got || !equalBytes(got, want)) {
        this.state = 'spent';
        throw fail('EACCES', '9P auth: wrong proof (the token differs)');
      }
      this.state = 'proven';
      return src.length;
    } finally {
      this.checking = false;
    }
  }

  /** Throws EACCES unless the proof was right and the attach is for the uname and aname proven. */
  admits(uname: string, aname: string): void {
    if (this.state !== 'proven') throw fail('EACCES', '9P auth: authentication is not complete (read the challenge, write the proof)');
    if (uname !== this.uname || aname !== this.aname) throw fail('EACCES', '9P auth: the afid was proven for another uname or aname');
  }
}

/** Tauth: a new afid, or ENOENT when the server needs none. */
export function tauth(s: Session, req: Req, m: MsgOf<'Tauth'>, auth: AuthOptions | undefined): Msg {
  if (!auth) throw fail('ENOENT', 'authentication not required');
  if (m.uname.includes('\0')) throw fail('EINVAL', 'a uname may not hold NUL');
  s.reserve(req, m.afid);
  const file = new AuthFile(auth.token, m.uname, m.aname);
  const chan = { file, union: null, on: file };
  const exp: Export = {
    name: '', readonly: false,
    tree: { root: chan, step() { throw fail('ENOTDIR', 'cannot walk from an afid'); }, createTarget: () => file },
  };
  const fid = new Fid(m.afid, exp, rootNode(exp), { uname: m.uname, uid: 0 });
  fid.open = opened(file.handle(), true, true, false, false);
  req.commit = () => s.install(fid);
  return { kind: 'Rauth', tag: m.tag, aqid: { ...s.qid(file), type: QTAUTH } };
}

/** The afid check of Tattach: throws EACCES unless the afid admits this attach. */
export function checkAfid(s: Session, req: Req, m: MsgOf<'Tattach'>, auth: AuthOptions | undefined): void {
  if (!auth) {
    if (m.afid !== NOFID) throw fail('EINVAL', 'authentication not required: afid must be NOFID');
    return;
  }
  if (m.afid === NOFID) throw fail('EACCES', '9P auth: authentication required (Tauth, then attach with the afid)');
  const f = s.fid(req, m.afid).file;
  if (!(f instanceof AuthFile)) throw fail('EACCES', `9P auth: fid ${m.afid} is not an afid`);
  f.admits(m.uname, m.aname);
}

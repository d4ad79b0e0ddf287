// The 9P server: golden transcripts over a socket, the protocol rules (flush,
// walks from open fids, hang-up, limits, read-only, directory offsets, qids
// across unions) and every 9P2000.L operation, each through Goblin's own codec.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { fail } from '../src/error.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File, Handle, Qid as FsQid, Stat as FsStat } from '../src/fs/types.ts';
import { newDev } from '../src/fs/types.ts';
import { file as fsFile, handle } from '../src/fs/defaults.ts';
import { MAFTER, MCREATE, Namespace } from '../src/ns/namespace.ts';
import {
  DecodeError, decode as decodeMsg, type Dialect, encode, type Msg, NOFID, unpackDirents, unpackStats,
} from '../src/ninep/index.ts';
import { type Exported, Server, type ServerOptions } from '../src/exportfs/server.ts';
import { dial, listen } from '../src/node/transport.ts';
import { Raw9p as Client, type Untagged } from './lib/raw9p.ts';

// the test client (test/lib/raw9p.ts): sends messages, collects replies in arrival order
type TMsg = Msg;
const local = (server: Server) => Client.local(server);
const socketClient = (s: Socket) => Client.socket(s);

const enc = new TextEncoder(), dec = new TextDecoder();

function tree(): RamFs {
  const ram = new RamFs({ clock: () => 0n });
  const root = ram.root();
  const h = (root.create('hello', 'file', 0o644, true) as File).open({ read: false, write: true }) as Handle;
  h.write(enc.encode('hello world\n'), 0);
  (root.create('sub', 'dir', 0o755, true) as File).create('deep', 'file', 0o600, true);
  return ram;
}

const server = (exports: Record<string, Exported>, opts: Partial<ServerOptions> = {}) =>
  new Server({ exports, clock: () => 0n, ...opts });

async function lsession(opts: Partial<ServerOptions> = {}, exports: Record<string, Exported> = { '': tree() }) {
  const srv = server(exports, opts);
  const { c, session } = local(srv);
  await c.version('9P2000.L');
  await c.attach(0);
  return { srv, c, session };
}

const ENOENT = 2, EBADF = 9, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EMFILE = 24, EROFS = 30, EAGAIN = 11, ENOTSUP = 95;

// ---- golden transcripts

const golden9p2000 = `
Tversion tag 65535 msize 8192 version "9P2000"
Rversion tag 65535 msize 8192 version "9P2000"
Tauth tag 1 afid 1 uname "glenda" aname ""
Rerror tag 1 ename "authentication not required"
Tattach tag 2 fid 0 afid 4294967295 uname "glenda" aname ""
Rattach tag 2 qid (0000000000000001 0 d)
Twalk tag 3 fid 0 newfid 1 "hello"
Rwalk tag 3 (0000000000000002 0)
Topen tag 4 fid 1 mode 0
Ropen tag 4 qid (0000000000000002 0) iounit 8168
Tread tag 5 fid 1 offset 0 count 8168
Rread tag 5 count 12 "hello world\\n"
Tread tag 6 fid 1 offset 12 count 8168
Rread tag 6 count 0
Tstat tag 7 fid 1
Rstat tag 7 stat {type 0 dev 0 qid (0000000000000002 0) mode 0644 atime 0 mtime 0 length 12 name "hello" uid "glenda" gid "glenda" muid "glenda"}
Twalk tag 8 fid 0 newfid 2 "sub" "nope"
Rwalk tag 8 (0000000000000003 0 d)
Twalk tag 9 fid 0 newfid 2 "nope"
Rerror tag 9 ename "file does not exist"
Twalk tag 10 fid 0 newfid 2 "sub"
Rwalk tag 10 (0000000000000003 0 d)
Tstat tag 11 fid 2
Rstat tag 11 stat {type 0 dev 0 qid (0000000000000003 0 d) mode 020000000755 atime 0 mtime 0 length 0 name "sub" uid "glenda" gid "glenda" muid "glenda"}
Tclunk tag 12 fid 1
Rclunk tag 12
Tclunk tag 13 fid 1
Rerror tag 13 ename "9P: unknown fid 1"
Tclunk tag 14 fid 2
Rclunk tag 14
Tclunk tag 15 fid 0
Rclunk tag 15
`;

const golden9p2000u = `
Tversion tag 65535 msize 8192 version "9P2000.u"
Rversion tag 65535 msize 8192 version "9P2000.u"
Tauth tag 1 afid 1 uname "glenda" aname "" n_uname 1000
Rerror tag 1 ename "authentication not required" errno 2
Tattach tag 2 fid 0 afid 4294967295 uname "glenda" aname "" n_uname 1000
Rattach tag 2 qid (0000000000000001 0 d)
Twalk tag 3 fid 0 newfid 1 "hello"
Rwalk tag 3 (0000000000000002 0)
Topen tag 4 fid 1 mode 0
Ropen tag 4 qid (0000000000000002 0) iounit 8168
Tread tag 5 fid 1 offset 0 count 8168
Rread tag 5 count 12 "hello world\\n"
Tread tag 6 fid 1 offset 12 count 8168
Rread tag 6 count 0
Tstat tag 7 fid 1
Rstat tag 7 stat {type 0 dev 0 qid (0000000000000002 0) mode 0644 atime 0 mtime 0 length 12 name "hello" uid "glenda" gid "glenda" muid "glenda" extension "" n_uid 1000 n_gid 1000 n_muid 1000}
Twalk tag 8 fid 0 newfid 2 "sub" "nope"
Rwalk tag 8 (0000000000000003 0 d)
Twalk tag 9 fid 0 newfid 2 "nope"
Rerror tag 9 ename "file does not exist" errno 2
Twalk tag 10 fid 0 newfid 2 "sub"
Rwalk tag 10 (0000000000000003 0 d)
Tstat tag 11 fid 2
Rstat tag 11 stat {type 0 dev 0 qid (0000000000000003 0 d) mode 020000000755 atime 0 mtime 0 length 0 name "sub" uid "glenda" gid "glenda" muid "glenda" extension "" n_uid 1000 n_gid 1000 n_muid 1000}
Tclunk tag 12 fid 1
Rclunk tag 12
Tclunk tag 13 fid 1
Rerror tag 13 ename "9P: unknown fid 1" errno 9
Tclunk tag 14 fid 2
Rclunk tag 14
Tclunk tag 15 fid 0
Rclunk tag 15
`;

async function transcript(dialect: '9P2000' | '9P2000.u'): Promise<string> {
  const srv = server({ '': tree() });
  const l = await listen(srv, 'tcp!127.0.0.1!0');
  try {
    const c = socketClient(await dial(l.addr));
    c.transcript = [];
    const u = dialect === '9P2000.u' ? { n_uname: 1000 } : {};
    let tag = 0;
    const step = async (m: Untagged, t = ++tag) => { c.send({ ...m, tag: t } as TMsg); await c.reply(t); };
    c.send({ kind: 'Tversion', tag: 0xffff, msize: 8192, version: dialect });
    await c.reply(0xffff);
    c.dialect = dialect;
    await step({ kind: 'Tauth', afid: 1, uname: 'glenda', aname: '', ...u });
    await step({ kind: 'Tattach', fid: 0, afid: NOFID, uname: 'glenda', aname: '', ...u });
    await step({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] });
    await step({ kind: 'Topen', fid: 1, mode: 0 });
    await step({ kind: 'Tread', fid: 1, offset: 0n, count: 8168 });
    await step({ kind: 'Tread', fid: 1, offset: 12n, count: 8168 });
    await step({ kind: 'Tstat', fid: 1 });
    await step({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['sub', 'nope'] });
    await step({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['nope'] });
    await step({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['sub'] });
    await step({ kind: 'Tstat', fid: 2 });
    await step({ kind: 'Tclunk', fid: 1 });
    await step({ kind: 'Tclunk', fid: 1 });
    await step({ kind: 'Tclunk', fid: 2 });
    await step({ kind: 'Tclunk', fid: 0 });
    return '\n' + c.transcript.join('\n') + '\n';
  } finally {
    await l.close();
  }
}

describe('golden transcripts over tcp', () => {
  test('9P2000', async () => assert.equal(await transcript('9P2000'), golden9p2000));
  test('9P2000.u', async () => assert.equal(await transcript('9P2000.u'), golden9p2000u));
  test('a partial walk leaves newfid free', async () => {
    // in the transcripts above, "sub" "nope" answers one qid and newfid 2 is then usable
    const { c } = await lsession();
    const r = await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['sub', 'nope'] }, 'Rwalk');
    assert.equal(r.wqid.length, 1);
    assert.equal(await c.errno({ kind: 'Tclunk', fid: 1 }), EBADF);
  });
  test('unix sockets carry the same session', async () => {
    const path = `/tmp/goblin-9p-${process.pid}.sock`;
    const srv = server({ '': tree() });
    const l = await listen(srv, `unix!${path}`);
    try {
      assert.equal(l.addr, `unix!${path}`);
      const c = socketClient(await dial(l.addr));
      await c.version('9P2000.L');
      await c.attach();
      await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    } finally { await l.close(); }
  });
});

// ---- version and attach

describe('version', () => {
  test('each dialect is granted, msize is clamped to the server limit, 1 MiB is granted', async () => {
    const srv = server({ '': tree() });
    const { c } = local(srv);
    for (const d of ['9P2000', '9P2000.u', '9P2000.L'] as const) assert.equal((await c.version(d)).version, d);
    assert.equal((await c.version('9P2000.L', (1 << 20) + 24)).msize, (1 << 20) + 24);
    assert.equal((await c.version('9P2000.L', 1 << 28)).msize, (1 << 20) + 24);
    assert.equal((await c.version('9P2000.L', 100)).version, 'unknown');
    assert.equal((await c.version('9P3000' as Dialect)).version, 'unknown');
  });

  test('a server without .L steps down to the richest dialect it has', async () => {
    const { c } = local(server({ '': tree() }, { dialects: ['9P2000'] }));
    assert.equal((await c.version('9P2000.L')).version, '9P2000');
  });

  test('messages before Tversion are refused', async () => {
    const { c } = local(server({ '': tree() }));
    assert.match(await c.etext({ kind: 'Tclunk', fid: 0 }), /Tversion/);
  });

  test('Tversion clunks every fid', async () => {
    const { c } = await lsession();
    await c.version('9P2000.L');
    assert.equal(await c.errno({ kind: 'Tclunk', fid: 0 }), EBADF);
  });

  test('Tauth answers Rlerror(ENOENT) in 9P2000.L', async () => {
    const { c } = await lsession();
    assert.equal(await c.errno({ kind: 'Tauth', afid: 7, uname: 'u', aname: '', n_uname: 0 }), ENOENT);
  });

  test('attach picks an export by aname; unknown anames are ENOENT', async () => {
    const other = new RamFs();
    other.root().create('only-here', 'file', 0o644, true);
    const { c } = await lsession({}, { '': tree(), other });
    await c.attach(5, 'other');
    await c.ok({ kind: 'Twalk', fid: 5, newfid: 6, wname: ['only-here'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tattach', fid: 7, afid: NOFID, uname: 'u', aname: 'nope', n_uname: 0 }), ENOENT);
    // an aname that is a path attaches below the default export's root
    await c.attach(8, '/sub');
    await c.ok({ kind: 'Twalk', fid: 8, newfid: 9, wname: ['deep'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tattach', fid: 0, afid: NOFID, uname: 'u', aname: '', n_uname: 0 }), EBADF, 'fid in use');
  });
});

// ---- walks

describe('walk', () => {
  test('from an open fid (as Linux and diodls do), and .. is lexical', async () => {
    const { c } = await lsession();
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['sub'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
    const r = await c.ok({ kind: 'Twalk', fid: 1, newfid: 2, wname: ['deep'] }, 'Rwalk');
    assert.equal(r.wqid.length, 1);
    await c.ok({ kind: 'Tlopen', fid: 2, flags: 0 }, 'Rlopen'); // the clone is not open
    const up = await c.ok({ kind: 'Twalk', fid: 1, newfid: 3, wname: ['..', '..', '.', 'hello'] }, 'Rwalk');
    const hello = await c.ok({ kind: 'Twalk', fid: 0, newfid: 4, wname: ['hello'] }, 'Rwalk');
    assert.deepEqual(up.wqid[3], hello.wqid[0]);
    assert.equal(await c.errno({ kind: 'Twalk', fid: 1, newfid: 1, wname: ['deep'] }), 16, 'an open fid cannot move');
  });

  test('a failed walk frees newfid', async () => {
    const { c } = await lsession();
    assert.equal(await c.errno({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['nope'] }), ENOENT);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
  });

  test('walking through a file is ENOTDIR; newfid in use is EBADF', async () => {
    const { c } = await lsession();
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Twalk', fid: 1, newfid: 2, wname: ['x'] }), ENOTDIR);
    assert.equal(await c.errno({ kind: 'Twalk', fid: 0, newfid: 1, wname: [] }), EBADF);
    assert.equal(await c.errno({ kind: 'Twalk', fid: 9, newfid: 10, wname: [] }), EBADF);
  });

  test('qid.path is unique across the members of a union and across servers', async () => {
    const a = new RamFs(), b = new RamFs();
    a.root().create('x', 'file', 0o644, true);
    b.root().create('y', 'file', 0o644, true);
    b.root().create('x', 'file', 0o644, true); // hidden by a's x
    const ns = new Namespace(a.root(), () => { throw fail('ENOENT'); });
    ns.bind(ns.chan(b.root()), ns.root, MAFTER, 'bind -a b /');
    const { c } = await lsession({}, { '': ns });
    const x = await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['x'] }, 'Rwalk');
    const y = await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['y'] }, 'Rwalk');
    // both servers number their first file 2
    assert.notEqual(x.wqid[0]!.path, y.wqid[0]!.path);
    await c.ok({ kind: 'Tlopen', fid: 0, flags: 0 }, 'Rlopen');
    const rd = await c.ok({ kind: 'Treaddir', fid: 0, offset: 0n, count: 4096 }, 'Rreaddir');
    const ents = unpackDirents(rd.data);
    assert.ok(!(ents instanceof DecodeError));
    assert.deepEqual(ents.map(e => e.name), ['.', '..', 'x', 'y']);
    assert.equal(new Set(ents.slice(2).map(e => e.qid.path)).size, 2);
    assert.deepEqual(ents[2]!.qid, x.wqid[0]);
    assert.deepEqual(ents[3]!.qid, y.wqid[0]);
  });
});

// ---- a file server that answers when the test says

interface Gate { release(): void; readonly opened: number; readonly closed: number }

/** A directory with one file `slow` whose reads wait for gate.release() (and `fast`, which does not). */
function slowServer(): { root: File; gate: Gate } {
  let waiting: (() => void)[] = [];
  const counts = { opened: 0, closed: 0 };
  const dev = newDev();
  const st = (q: FsQid): FsStat => ({ type: q.type, dev, ino: q.path, mode: 0o644, nlink: 1, size: 5, atime: 0n, mtime: 0n, ctime: 0n });
  const file = (path: number, slow: boolean): File => {
    const qid: FsQid = { dev, path, type: 'file' };
    return fsFile({
      qid,
      stat: () => st(qid),
      open(): Handle {
        counts.opened++;
        return handle({
          seekable: true,
          read(d: Uint8Array) {
            d.set(enc.encode('hello'.slice(0, d.length)));
            const n = Math.min(5, d.length);
            return slow ? new Promise<number>(r => waiting.push(() => r(n))) : n;
          },
          write: (s: Uint8Array) => s.length,
          close() { counts.closed++; },
        });
      },
    });
  };
  const slow = file(2, true), fast = file(3, false);
  const qid: FsQid = { dev, path: 1, type: 'dir' };
  const root: File = fsFile({
    qid,
    stat: () => ({ ...st(qid), mode: 0o755 }),
    open: () => handle({ seekable: true, read: () => 0, write: () => 0, readdir: () => [{ name: 'slow', type: 'file' as const, ino: 2 }, { name: 'fast', type: 'file' as const, ino: 3 }] }),
    walk(name: string) {
      if (name === 'slow') return slow;
      if (name === 'fast') return fast;
      if (name === 'later') return new Promise<File>(r => waiting.push(() => r(fast)));
      throw fail('ENOENT');
    },
  });
  return {
    root,
    gate: {
      release() { const w = waiting; waiting = []; for (const f of w) f(); },
      get opened() { return counts.opened; },
      get closed() { return counts.closed; },
    },
  };
}

const tick = () => new Promise(r => setImmediate(r));

describe('Tflush', () => {
  test('a request in flight: Rflush at once, its reply never', async () => {
    const { root, gate } = slowServer();
    const { c } = await lsession({}, { '': root });
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['slow'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
    c.send({ kind: 'Tread', tag: 100, fid: 1, offset: 0n, count: 10 });
    await tick();
    assert.equal(c.replies.length, 0);
    c.send({ kind: 'Tflush', tag: 101, oldtag: 100 });
    assert.equal((await c.reply(101)).kind, 'Rflush');
    gate.release();
    await tick();
    assert.deepEqual(c.replies, [], 'the flushed read is never answered');
    // the tag can be used again at once
    const r = await c.ok({ kind: 'Tgetattr', fid: 1, request_mask: 0x7ffn }, 'Rgetattr');
    assert.equal(r.size, 5n);
  });

  test('a request already answered: its reply came first, then Rflush', async () => {
    const { c } = await lsession();
    c.send({ kind: 'Tgetattr', tag: 7, fid: 0, request_mask: 0x7ffn });
    c.send({ kind: 'Tflush', tag: 8, oldtag: 7 });
    assert.equal((await c.reply(7)).kind, 'Rgetattr');
    assert.equal((await c.reply(8)).kind, 'Rflush');
    // order on the wire: Rgetattr (7) was delivered before Rflush (8)
    const { c: c2 } = await lsession();
    c2.transcript = [];
    c2.send({ kind: 'Tgetattr', tag: 7, fid: 0, request_mask: 0x7ffn });
    c2.send({ kind: 'Tflush', tag: 8, oldtag: 7 });
    await c2.reply(8);
    assert.deepEqual(c2.transcript.filter(l => l.startsWith('R')).map(l => l.split(' ')[0]), ['Rgetattr', 'Rflush']);
  });

  test('an unknown oldtag, and a flush of a flush, are answered Rflush, never an error', async () => {
    const { c } = await lsession();
    assert.equal((await c.rpc({ kind: 'Tflush', oldtag: 999 })).kind, 'Rflush');
    const { c: c0 } = local(server({ '': tree() }));
    assert.equal((await c0.rpc({ kind: 'Tflush', oldtag: 1 })).kind, 'Rflush', 'even before Tversion');
  });

  test('a flushed walk does not create newfid; a flushed open closes its handle', async () => {
    const { root, gate } = slowServer();
    const { c } = await lsession({}, { '': root });
    c.send({ kind: 'Twalk', tag: 50, fid: 0, newfid: 1, wname: ['later'] });
    c.send({ kind: 'Tflush', tag: 51, oldtag: 50 });
    await c.reply(51);
    gate.release();
    await tick();
    assert.equal(await c.errno({ kind: 'Tclunk', fid: 1 }), EBADF, 'newfid 1 was never made');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['fast'] }, 'Rwalk');
  });
});

describe('hang-up and limits', () => {
  test('a lost connection clunks every fid and closes every handle', async () => {
    const { root, gate } = slowServer();
    const srv = server({ '': root });
    const l = await listen(srv, 'tcp!127.0.0.1!0');
    try {
      const s = await dial(l.addr);
      const c = socketClient(s);
      await c.version('9P2000.L');
      await c.attach();
      for (let i = 1; i <= 10; i++) {
        await c.ok({ kind: 'Twalk', fid: 0, newfid: i, wname: [i % 2 ? 'fast' : 'slow'] }, 'Rwalk');
        await c.ok({ kind: 'Tlopen', fid: i, flags: 0 }, 'Rlopen');
      }
      c.send({ kind: 'Tread', tag: 77, fid: 2, offset: 0n, count: 5 }); // waiting in the file server
      assert.equal(srv.sessions.size, 1);
      const [session] = srv.sessions;
      for (let i = 0; i < 100 && !session!.requestCount; i++) await tick();
      assert.equal(session!.fidCount, 11);
      assert.equal(session!.requestCount, 1);
      s.destroy();
      for (let i = 0; i < 100 && srv.sessions.size; i++) await tick();
      assert.equal(srv.sessions.size, 0);
      assert.equal(session!.fidCount, 0);
      assert.equal(gate.closed, 9, 'the fid with a read in flight keeps its handle until the read ends');
      gate.release();
      await tick();
      assert.equal(gate.closed, 10);
      assert.equal(gate.opened, 10);
    } finally { await l.close(); }
  });

  test('too many fids is EMFILE, with a message that says so', async () => {
    const srv = server({ '': tree() }, { maxFids: 3 });
    const { c } = local(srv);
    await c.version('9P2000.u');
    await c.attach(0);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: [] }, 'Rwalk');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: [] }, 'Rwalk');
    const r = await c.rpc({ kind: 'Twalk', fid: 0, newfid: 3, wname: [] });
    assert.ok(r.kind === 'Rerror');
    assert.equal(r.errno, EMFILE);
    assert.match(r.ename, /too many fids \(at most 3 per connection\)/);
    await c.ok({ kind: 'Tclunk', fid: 2 }, 'Rclunk');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: [] }, 'Rwalk');
  });

  test('too many requests in flight is EAGAIN, with a message that says so', async () => {
    const { root, gate } = slowServer();
    const srv = server({ '': root }, { maxRequests: 2 });
    const { c } = local(srv);
    await c.version('9P2000.u');
    await c.attach(0);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['slow'] }, 'Rwalk');
    await c.ok({ kind: 'Topen', fid: 1, mode: 0 }, 'Ropen');
    c.send({ kind: 'Tread', tag: 1000, fid: 1, offset: 0n, count: 5 });
    c.send({ kind: 'Tread', tag: 1001, fid: 1, offset: 0n, count: 5 });
    c.send({ kind: 'Tread', tag: 1002, fid: 1, offset: 0n, count: 5 });
    const r = await c.reply(1002);
    assert.ok(r.kind === 'Rerror');
    assert.equal(r.errno, EAGAIN);
    assert.match(r.ename, /too many requests in flight \(at most 2 per connection\)/);
    gate.release();
    assert.equal((await c.reply(1000)).kind, 'Rread');
    assert.equal((await c.reply(1001)).kind, 'Rread');
  });

  test('a tag in use is refused; a malformed message is answered on its tag', async () => {
    const { root } = slowServer();
    const { c } = await lsession({}, { '': root });
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['slow'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
    c.send({ kind: 'Tread', tag: 9, fid: 1, offset: 0n, count: 5 });
    c.send({ kind: 'Tclunk', tag: 9, fid: 0 });
    const r = await c.reply(9);
    assert.equal(r.kind, 'Rlerror');
    // a Tclunk with a byte too many: its size field is right, its body is not
    const bad = new Uint8Array([12, 0, 0, 0, 120, 33, 0, 0, 0, 0, 0, 0]);
    c.raw(bad);
    assert.equal((await c.reply(33)).kind, 'Rlerror');
    await c.ok({ kind: 'Tgetattr', fid: 0, request_mask: 1n }, 'Rgetattr');
  });

  test('a peer that does not read its replies stops the server handling its requests', async () => {
    const srv = server({ '': tree() });
    let room = 4, sent = 0;
    const s = srv.connect({ send: () => { sent++; return --room > 0; }, close() {} });
    const L = '9P2000.L';
    s.receive(encode({ kind: 'Tversion', tag: 0xffff, msize: 65536, version: L }, '9P2000'));
    s.receive(encode({ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'u', aname: 'ctl', n_uname: 0 }, L));
    s.receive(encode({ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['zero'] }, L));
    const reads = Array.from({ length: 1000 }, (_, i) => encode({ kind: 'Tread', tag: i, fid: 1, offset: 0n, count: 65000 }, L));
    s.receive(encode({ kind: 'Tlopen', tag: 1, fid: 1, flags: 0 }, L));
    const chunk = new Uint8Array(reads.reduce((n, r) => n + r.length, 0));
    reads.reduce((at, r) => (chunk.set(r, at), at + r.length), 0);
    s.receive(chunk); // a thousand 64 KiB reads in one chunk
    assert.equal(sent, 4, 'Rversion, Rattach, Rwalk, then the full buffer stops it at Rlopen');
    assert.equal(s.waiting, 1000);
    room = 10;
    assert.equal(s.resume(), false);
    assert.equal(sent, 14);
    room = Infinity;
    assert.equal(s.resume(), true);
    assert.equal(sent, 1004);
    assert.equal(s.waiting, 0);
  });

  test('over tcp: a client that stops reading is not read from; it gets every reply once it reads again', async () => {
    const srv = server({ '': tree() });
    const l = await listen(srv, 'tcp!127.0.0.1!0');
    try {
      const sock = await dial(l.addr);
      const c = socketClient(sock);
      await c.version('9P2000.L');
      await c.attach(0, 'ctl');
      await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['zero'] }, 'Rwalk');
      await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
      sock.pause();
      const N = 2000; // 128 MiB of replies
      for (let i = 0; i < N; i++) c.send({ kind: 'Tread', tag: i, fid: 1, offset: 0n, count: 65000 });
      const [session] = srv.sessions;
      for (let i = 0; i < 200 && !session!.waiting; i++) await new Promise(r => setTimeout(r, 5));
      assert.ok(session!.waiting > 0, 'the server stopped handling requests');
      sock.resume();
      for (let i = 0; i < N; i++) assert.equal((await c.reply(i, 10_000)).kind, 'Rread');
    } finally { await l.close(); }
  });

  test('a size field beyond msize ends the session', async () => {
    const srv = server({ '': tree() });
    const { c, session } = local(srv);
    await c.version('9P2000.L', 8192);
    c.raw(new Uint8Array([0, 0, 1, 0, 100, 0, 0]));
    assert.ok(session.closed && c.closed);
    assert.equal(srv.sessions.size, 0);
  });
});

// ---- 9P2000.L operations

describe('9P2000.L operations', () => {
  test('lcreate, write, read, getattr, setattr, fsync', async () => {
    const { c } = await lsession();
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: [] }, 'Rwalk');
    const cr = await c.ok({ kind: 'Tlcreate', fid: 1, name: 'new', flags: 0o102, mode: 0o640, gid: 0 }, 'Rlcreate');
    assert.ok(cr.iounit > 0);
    assert.equal((await c.ok({ kind: 'Twrite', fid: 1, offset: 0n, data: enc.encode('abcdef') }, 'Rwrite')).count, 6);
    assert.equal(dec.decode((await c.ok({ kind: 'Tread', fid: 1, offset: 2n, count: 100 }, 'Rread')).data), 'cdef');
    const ga = await c.ok({ kind: 'Tgetattr', fid: 1, request_mask: 0x3fffn }, 'Rgetattr');
    assert.equal(ga.mode, 0o100640);
    assert.equal(ga.size, 6n);
    assert.equal(ga.uid, 1000, 'files belong to whoever attached');
    assert.deepEqual(ga.qid, cr.qid);
    await c.ok({ kind: 'Tsetattr', fid: 1, valid: 0x1 | 0x8 | 0x20 | 0x100, mode: 0o600, uid: 0, gid: 0, size: 3n, atime_sec: 0n, atime_nsec: 0n, mtime_sec: 5n, mtime_nsec: 6n }, 'Rsetattr');
    const ga2 = await c.ok({ kind: 'Tgetattr', fid: 1, request_mask: 0x3fffn }, 'Rgetattr');
    assert.deepEqual([ga2.mode, ga2.size, ga2.mtime_sec, ga2.mtime_nsec], [0o100600, 3n, 5n, 6n]);
    await c.ok({ kind: 'Tfsync', fid: 1, datasync: 0 }, 'Rfsync');
    assert.equal(await c.errno({ kind: 'Tlcreate', fid: 1, name: 'x', flags: 2, mode: 0o600, gid: 0 }), 16, 'fid already open');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: [] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tlcreate', fid: 2, name: 'new', flags: 0o302, mode: 0o600, gid: 0 }), EEXIST);
    assert.equal(await c.errno({ kind: 'Tlcreate', fid: 2, name: '..', flags: 0o102, mode: 0o600, gid: 0 }), EINVAL);
  });

  test('mkdir, symlink, readlink, link, rename, renameat, unlinkat, remove', async () => {
    const { c } = await lsession();
    const md = await c.ok({ kind: 'Tmkdir', dfid: 0, name: 'd', mode: 0o755, gid: 0 }, 'Rmkdir');
    assert.equal(md.qid.type, 0x80);
    await c.ok({ kind: 'Tsymlink', fid: 0, name: 'l', symtgt: 'hello', gid: 0 }, 'Rsymlink');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['l'] }, 'Rwalk');
    assert.equal((await c.ok({ kind: 'Treadlink', fid: 1 }, 'Rreadlink')).target, 'hello');
    assert.equal((await c.ok({ kind: 'Tgetattr', fid: 1, request_mask: 1n }, 'Rgetattr')).mode & 0o170000, 0o120000);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['hello'] }, 'Rwalk');
    await c.ok({ kind: 'Tlink', dfid: 0, fid: 2, name: 'hard' }, 'Rlink');
    assert.equal((await c.ok({ kind: 'Tgetattr', fid: 2, request_mask: 2n }, 'Rgetattr')).nlink, 2n);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: ['d'] }, 'Rwalk');
    await c.ok({ kind: 'Trename', fid: 2, dfid: 3, name: 'moved' }, 'Rrename');
    await c.ok({ kind: 'Twalk', fid: 2, newfid: 4, wname: ['..'] }, 'Rwalk'); // the fid moved with the file
    await c.ok({ kind: 'Twalk', fid: 4, newfid: 5, wname: ['moved'] }, 'Rwalk');
    await c.ok({ kind: 'Trenameat', olddirfid: 3, oldname: 'moved', newdirfid: 0, newname: 'back' }, 'Rrenameat');
    assert.equal(await c.errno({ kind: 'Tunlinkat', dirfd: 0, name: 'd', flags: 0 }), EISDIR);
    await c.ok({ kind: 'Tunlinkat', dirfd: 0, name: 'd', flags: 0x200 }, 'Runlinkat');
    await c.ok({ kind: 'Tunlinkat', dirfd: 0, name: 'back', flags: 0 }, 'Runlinkat');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 6, wname: ['hard'] }, 'Rwalk');
    await c.ok({ kind: 'Tremove', fid: 6 }, 'Rremove');
    assert.equal(await c.errno({ kind: 'Tclunk', fid: 6 }), EBADF, 'remove clunks');
    assert.equal(await c.errno({ kind: 'Twalk', fid: 0, newfid: 7, wname: ['hard'] }), ENOENT);
    assert.equal(await c.errno({ kind: 'Tmknod', dfid: 0, name: 'p', mode: 0o10644, major: 0, minor: 0, gid: 0 }), ENOTSUP);
  });

  test('readdir: whole entries, resumable cookies, remade at offset 0', async () => {
    const ram = new RamFs();
    const names = Array.from({ length: 40 }, (_, i) => `file-${String(i).padStart(2, '0')}`);
    for (const n of names) ram.root().create(n, 'file', 0o644, true);
    const { c } = await lsession({}, { '': ram });
    await c.ok({ kind: 'Tlopen', fid: 0, flags: 0 }, 'Rlopen');
    const seen: string[] = [];
    let off = 0n;
    for (;;) {
      const r = await c.ok({ kind: 'Treaddir', fid: 0, offset: off, count: 100 }, 'Rreaddir');
      if (!r.data.length) break;
      assert.ok(r.data.length <= 100);
      const ents = unpackDirents(r.data);
      assert.ok(!(ents instanceof DecodeError), 'only whole entries');
      for (const e of ents) seen.push(e.name);
      off = ents[ents.length - 1]!.offset;
    }
    assert.deepEqual(seen, ['.', '..', ...names]);
    // resume from any cookie
    const r = await c.ok({ kind: 'Treaddir', fid: 0, offset: 12n, count: 4096 }, 'Rreaddir');
    assert.equal((unpackDirents(r.data) as { name: string }[])[0]!.name, names[10]);
    ram.root().create('zzz', 'file', 0o644, true);
    const again = await c.ok({ kind: 'Treaddir', fid: 0, offset: 0n, count: 65536 }, 'Rreaddir');
    assert.equal((unpackDirents(again.data) as unknown[]).length, 43);
    assert.equal(await c.errno({ kind: 'Treaddir', fid: 0, offset: 0n, count: 10 }), EINVAL, 'count too small for one entry');
  });

  test('read of a directory is EISDIR, readdir of a file ENOTDIR, I/O on an unopened fid EBADF', async () => {
    const { c } = await lsession();
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tread', fid: 1, offset: 0n, count: 10 }), EBADF);
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
    assert.equal(await c.errno({ kind: 'Treaddir', fid: 1, offset: 0n, count: 100 }), ENOTDIR);
    assert.equal(await c.errno({ kind: 'Twrite', fid: 1, offset: 0n, data: enc.encode('x') }), EBADF, 'opened for reading only');
    await c.ok({ kind: 'Tlopen', fid: 0, flags: 0 }, 'Rlopen');
    assert.equal(await c.errno({ kind: 'Tread', fid: 0, offset: 0n, count: 10 }), EISDIR);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['sub'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tlopen', fid: 2, flags: 1 }), EISDIR);
  });

  test('xattrs are not supported; locks are granted; statfs answers', async () => {
    const { c } = await lsession();
    assert.equal(await c.errno({ kind: 'Txattrwalk', fid: 0, newfid: 1, name: 'user.x' }), ENOTSUP);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 2 }, 'Rlopen');
    const lk = await c.ok({ kind: 'Tlock', fid: 1, type: 1, flags: 0, start: 0n, length: 0n, proc_id: 42, client_id: 'me' }, 'Rlock');
    assert.equal(lk.status, 0);
    const gl = await c.ok({ kind: 'Tgetlock', fid: 1, type: 1, start: 0n, length: 0n, proc_id: 42, client_id: 'me' }, 'Rgetlock');
    assert.equal(gl.type, 2, 'F_UNLCK: nothing in the way');
    const sf = await c.ok({ kind: 'Tstatfs', fid: 0 }, 'Rstatfs');
    assert.equal(sf.namelen, 255);
  });

  test('--ro: every change is EROFS, reads still work', async () => {
    const { c } = await lsession({ readonly: true });
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    assert.equal(await c.errno({ kind: 'Tlopen', fid: 1, flags: 1 }), EROFS);
    assert.equal(await c.errno({ kind: 'Tlopen', fid: 1, flags: 0o1000 }), EROFS, 'O_TRUNC');
    await c.ok({ kind: 'Tlopen', fid: 1, flags: 0 }, 'Rlopen');
    assert.equal(dec.decode((await c.ok({ kind: 'Tread', fid: 1, offset: 0n, count: 5 }, 'Rread')).data), 'hello');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: [] }, 'Rwalk');
    const rofs = [
      { kind: 'Tlcreate', fid: 2, name: 'n', flags: 0o102, mode: 0o644, gid: 0 },
      { kind: 'Tmkdir', dfid: 0, name: 'n', mode: 0o755, gid: 0 },
      { kind: 'Tsymlink', fid: 0, name: 'n', symtgt: 'x', gid: 0 },
      { kind: 'Tlink', dfid: 0, fid: 1, name: 'n' },
      { kind: 'Trenameat', olddirfid: 0, oldname: 'hello', newdirfid: 0, newname: 'n' },
      { kind: 'Trename', fid: 1, dfid: 0, name: 'n' },
      { kind: 'Tunlinkat', dirfd: 0, name: 'hello', flags: 0 },
      { kind: 'Tsetattr', fid: 1, valid: 8, mode: 0, uid: 0, gid: 0, size: 0n, atime_sec: 0n, atime_nsec: 0n, mtime_sec: 0n, mtime_nsec: 0n },
      { kind: 'Tmknod', dfid: 0, name: 'p', mode: 0o10644, major: 0, minor: 0, gid: 0 },
      { kind: 'Tremove', fid: 1 },
    ] as Untagged[];
    for (const m of rofs) assert.equal(await c.errno(m), EROFS, m.kind);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: ['hello'] }, 'Rwalk'); // still there
  });
});

describe('a file server with only stat and open', () => {
  test('every other operation is an errno from the defaults', async () => {
    const dev = newDev();
    const root = fsFile({
      qid: { dev, path: 1, type: 'dir' },
      stat: () => ({ type: 'dir' as const, dev, ino: 1, mode: 0o755, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n }),
      open: () => handle({ seekable: true, read: () => 0, write: () => 0 }),
    });
    const { c } = await lsession({}, { '': root });
    const EPERM = 1;
    assert.equal(await c.errno({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['x'] }), ENOENT);
    assert.equal(await c.errno({ kind: 'Tmkdir', dfid: 0, name: 'd', mode: 0o755, gid: 0 }), EPERM);
    assert.equal(await c.errno({ kind: 'Tsymlink', fid: 0, name: 'l', symtgt: 't', gid: 0 }), EPERM);
    assert.equal(await c.errno({ kind: 'Tunlinkat', dirfd: 0, name: 'x', flags: 0 }), EPERM);
    assert.equal(await c.errno({ kind: 'Trenameat', olddirfid: 0, oldname: 'x', newdirfid: 0, newname: 'y' }), EPERM);
    assert.equal(await c.errno({ kind: 'Tsetattr', fid: 0, valid: 0x1, mode: 0o700, uid: 0, gid: 0, size: 0n, atime_sec: 0n, atime_nsec: 0n, mtime_sec: 0n, mtime_nsec: 0n }), EPERM);
    assert.equal(await c.errno({ kind: 'Treadlink', fid: 0 }), EINVAL);
    await c.ok({ kind: 'Tlopen', fid: 0, flags: 0 }, 'Rlopen');
    assert.equal(await c.errno({ kind: 'Treaddir', fid: 0, offset: 0n, count: 4096 }), ENOTDIR);
    await c.ok({ kind: 'Tfsync', fid: 0, datasync: 0 }, 'Rfsync');
  });
});

describe('9P2000 and .u operations', () => {
  async function usession(dialect: '9P2000' | '9P2000.u' = '9P2000.u', opts: Partial<ServerOptions> = {}, exports: Record<string, Exported> = { '': tree() }) {
    const { c } = local(server(exports, opts));
    await c.version(dialect);
    await c.attach(0);
    return c;
  }

  test('directory reads hold whole stats and must continue where the last ended', async () => {
    const c = await usession('9P2000');
    await c.ok({ kind: 'Topen', fid: 0, mode: 0 }, 'Ropen');
    const r1 = await c.ok({ kind: 'Tread', fid: 0, offset: 0n, count: 80 }, 'Rread');
    const s1 = unpackStats(r1.data, '9P2000');
    assert.ok(!(s1 instanceof DecodeError) && s1.length === 1);
    const r2 = await c.ok({ kind: 'Tread', fid: 0, offset: BigInt(r1.data.length), count: 4096 }, 'Rread');
    const s2 = unpackStats(r2.data, '9P2000') as { name: string }[];
    assert.deepEqual([s1[0]!.name, ...s2.map(s => s.name)], ['hello', 'sub']);
    assert.equal((await c.ok({ kind: 'Tread', fid: 0, offset: BigInt(r1.data.length + r2.data.length), count: 4096 }, 'Rread')).data.length, 0);
    assert.match(await c.etext({ kind: 'Tread', fid: 0, offset: 3n, count: 4096 }), /bad offset/);
    assert.equal((await c.ok({ kind: 'Tread', fid: 0, offset: 0n, count: 4096 }, 'Rread')).data.length, r1.data.length + r2.data.length);
  });

  test('create, write, wstat (rename, truncate, mode), remove, ORCLOSE', async () => {
    const c = await usession('9P2000.u');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: [] }, 'Rwalk');
    await c.ok({ kind: 'Tcreate', fid: 1, name: 'f', perm: 0o644, mode: 2, extension: '' }, 'Rcreate');
    await c.ok({ kind: 'Twrite', fid: 1, offset: 0n, data: enc.encode('0123456789') }, 'Rwrite');
    const st = (await c.ok({ kind: 'Tstat', fid: 1 }, 'Rstat')).stat;
    assert.equal(st.length, 10n);
    const change = { ...st, name: 'g', length: 4n, mode: 0o600, atime: 0xffffffff, mtime: 0xffffffff, uid: '', gid: '', muid: '', extension: '', type: 0xffff, dev: 0xffffffff, qid: { type: 0xff, version: 0xffffffff, path: 0xffffffffffffffffn }, n_uid: 0xffffffff, n_gid: 0xffffffff, n_muid: 0xffffffff };
    await c.ok({ kind: 'Twstat', fid: 1, stat: change }, 'Rwstat');
    const st2 = (await c.ok({ kind: 'Tstat', fid: 1 }, 'Rstat')).stat;
    assert.deepEqual([st2.name, st2.length, st2.mode], ['g', 4n, 0o600]);
    // symlinks in .u: create with DMSYMLINK, the target comes back as the extension
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: [] }, 'Rwalk');
    await c.ok({ kind: 'Tcreate', fid: 2, name: 'ln', perm: 0x02000000 | 0o777, mode: 0, extension: 'g' }, 'Rcreate');
    const ls = (await c.ok({ kind: 'Tstat', fid: 2 }, 'Rstat')).stat;
    assert.equal(ls.extension, 'g');
    assert.ok(ls.mode & 0x02000000);
    // ORCLOSE: removed at clunk
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: [] }, 'Rwalk');
    await c.ok({ kind: 'Tcreate', fid: 3, name: 'tmp', perm: 0o644, mode: 1 | 0x40, extension: '' }, 'Rcreate');
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 4, wname: ['tmp'] }, 'Rwalk');
    await c.ok({ kind: 'Tclunk', fid: 3 }, 'Rclunk');
    assert.match(await c.etext({ kind: 'Twalk', fid: 0, newfid: 5, wname: ['tmp'] }), /does not exist/);
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 5, wname: ['g'] }, 'Rwalk');
    await c.ok({ kind: 'Tremove', fid: 5 }, 'Rremove');
    assert.match(await c.etext({ kind: 'Twalk', fid: 0, newfid: 5, wname: ['g'] }), /does not exist/);
  });

  test('--ro in 9P2000: Rerror says read-only file system', async () => {
    const c = await usession('9P2000', { readonly: true });
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
    assert.equal(await c.etext({ kind: 'Topen', fid: 1, mode: 1 }), 'read-only file system');
    assert.equal(await c.etext({ kind: 'Tcreate', fid: 0, name: 'x', perm: 0o644, mode: 0 }), 'read-only file system');
  });
});

describe('ctl and trace', () => {
  test('ctl serves zero and null as diodload uses them', async () => {
    const { c } = await lsession();
    await c.attach(10, 'ctl');
    await c.ok({ kind: 'Twalk', fid: 10, newfid: 11, wname: ['zero'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 11, flags: 0 }, 'Rlopen');
    const z = await c.ok({ kind: 'Tread', fid: 11, offset: 0n, count: 65536 }, 'Rread');
    assert.equal(z.data.length, 65536 - 24);
    assert.ok(z.data.every(b => b === 0));
    await c.ok({ kind: 'Twalk', fid: 10, newfid: 12, wname: ['null'] }, 'Rwalk');
    await c.ok({ kind: 'Tlopen', fid: 12, flags: 1 }, 'Rlopen');
    assert.equal((await c.ok({ kind: 'Twrite', fid: 12, offset: 0n, data: new Uint8Array(1000) }, 'Rwrite')).count, 1000);
    await c.ok({ kind: 'Tgetattr', fid: 12, request_mask: 0x7ffn }, 'Rgetattr');
  });

  test('the trace switch prints one line per message', async () => {
    const lines: string[] = [];
    const { c } = await lsession({ trace: l => lines.push(l) });
    await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['sub', 'deep'] }, 'Rwalk');
    assert.ok(lines.includes('Twalk tag 3 fid 0 newfid 1 "sub" "deep"'), lines.join('\n'));
    assert.ok(lines.includes('Rwalk tag 3 (0000000000000003 0 d) (0000000000000004 0)'), lines.join('\n'));
  });
});

describe('unions', () => {
  test('creates go to the create member; removes find the member holding the name', async () => {
    const a = new RamFs(), b = new RamFs();
    b.root().create('inb', 'file', 0o644, true);
    const ns = new Namespace(a.root(), () => { throw fail('ENOENT'); });
    ns.bind(ns.chan(b.root()), ns.root, MAFTER | MCREATE, 'bind -ac b /');
    const { c } = await lsession({}, { '': ns });
    await c.ok({ kind: 'Tmkdir', dfid: 0, name: 'made', mode: 0o755, gid: 0 }, 'Rmkdir');
    assert.ok(b.root().walk('made'));
    assert.throws(() => a.root().walk('made'));
    await c.ok({ kind: 'Tunlinkat', dirfd: 0, name: 'inb', flags: 0 }, 'Runlinkat');
    assert.throws(() => b.root().walk('inb'));
  });
});

describe('reply buffers', () => {
  // A transport that copies each reply out and then says it is done with it, as a socket does once written.
  function written(srv: Server) {
    const replies: Uint8Array[] = [], buffers: ArrayBufferLike[] = [];
    const session = srv.connect({
      send(bytes, done) {
        replies.push(bytes.slice());
        buffers.push(bytes.buffer);
        done?.();
      },
      close() {},
    });
    let tag = 0;
    const t = (m: Untagged) => {
      const msg = { ...m, tag: tag++ } as Msg;
      session.receive(encode(msg, m.kind === 'Tversion' ? '9P2000' : '9P2000.L'));
    };
    return { t, replies, buffers };
  }

  test('a reply buffer given back is reused, and a shorter read sends only its own bytes', () => {
    const ram = tree();
    const root = ram.root();
    const h = (root.create('long', 'file', 0o644, true) as File).open({ read: false, write: true }) as Handle;
    h.write(new Uint8Array(4000).fill(0x41), 0);
    const { t, replies, buffers } = written(server({ '': ram }));
    t({ kind: 'Tversion', msize: 8192, version: '9P2000.L' });
    t({ kind: 'Tattach', fid: 0, afid: NOFID, uname: 'glenda', aname: '', n_uname: 0 });
    for (const [fid, name] of [[1, 'long'], [2, 'hello']] as const) {
      t({ kind: 'Twalk', fid: 0, newfid: fid, wname: [name] });
      t({ kind: 'Tlopen', fid, flags: 0 });
    }
    const first = replies.length;
    t({ kind: 'Tread', fid: 1, offset: 0n, count: 8000 });
    t({ kind: 'Tread', fid: 2, offset: 0n, count: 8000 });
    t({ kind: 'Tread', fid: 2, offset: 6n, count: 8000 });
    assert.equal(buffers[first + 1], buffers[first], 'the second Rread is built in the first one\'s buffer');
    assert.equal(buffers[first + 2], buffers[first]);
    const data = (r: Uint8Array) => {
      const m = decodeReply(r);
      assert.equal(m.kind, 'Rread');
      return dec.decode((m as { data: Uint8Array }).data);
    };
    assert.equal(data(replies[first]!), 'A'.repeat(4000));
    assert.equal(replies[first + 1]!.length, 11 + 12);
    assert.equal(data(replies[first + 1]!), 'hello world\n');
    assert.equal(data(replies[first + 2]!), 'world\n');
  });

  test('a read that fails after scribbling on its buffer sends the error, and the next read only its own bytes', () => {
    const dev = newDev();
    const leaf = (path: number, read: (dst: Uint8Array) => number) => fsFile({
      qid: { dev, path, type: 'file' as const },
      stat: () => ({ type: 'file' as const, dev, ino: path, mode: 0o644, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n }),
      open: () => handle({ seekable: true, read, write: () => 0 }),
    });
    const files: Record<string, File> = {
      bad: leaf(2, dst => { dst.fill(0x53); throw fail('EIO'); }),
      one: leaf(3, dst => { dst[0] = 0x31; return 1; }),
    };
    const root = fsFile({
      qid: { dev, path: 1, type: 'dir' as const },
      stat: () => ({ type: 'dir' as const, dev, ino: 1, mode: 0o755, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n }),
      open: () => handle({ seekable: true, read: () => 0, write: () => 0 }),
      walk: (name: string) => files[name] ?? (() => { throw fail('ENOENT'); })(),
    });
    const { t, replies, buffers } = written(server({ '': root }));
    t({ kind: 'Tversion', msize: 8192, version: '9P2000.L' });
    t({ kind: 'Tattach', fid: 0, afid: NOFID, uname: 'glenda', aname: '', n_uname: 0 });
    t({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['bad'] });
    t({ kind: 'Tlopen', fid: 1, flags: 0 });
    t({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['one'] });
    t({ kind: 'Tlopen', fid: 2, flags: 0 });
    t({ kind: 'Tread', fid: 2, offset: 0n, count: 4096 });
    t({ kind: 'Tread', fid: 1, offset: 0n, count: 4096 });
    t({ kind: 'Tread', fid: 2, offset: 0n, count: 4096 });
    const [first, bad, good] = replies.slice(-3).map(decodeReply);
    assert.equal(bad!.kind, 'Rlerror');
    assert.equal(good!.kind, 'Rread');
    assert.deepEqual([...(good as { data: Uint8Array }).data], [0x31]);
    assert.deepEqual([...(first as { data: Uint8Array }).data], [0x31]);
    assert.equal(buffers.at(-1), buffers.at(-3), 'the failed read gave the buffer back for the next');
  });
});

function decodeReply(b: Uint8Array): Msg {
  const m = decodeMsg(b, '9P2000.L');
  if (m instanceof DecodeError) throw m;
  return m;
}

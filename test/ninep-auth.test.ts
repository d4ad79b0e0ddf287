// 9P authentication (goblin-hmac-sha256 through Tauth and the afid) and who may
// attach what (--users), in all three dialects: a right proof admits, a wrong
// token, no proof, a replayed proof or a proof for another uname or aname do
// not; read-only users get EROFS for every change; Goblin's own client proves a
// token; diod's tools, which do not speak the scheme, are refused.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { serverTransport } from '../src/exportfs/loop.ts';
import { Server, type ServerOptions } from '../src/exportfs/server.ts';
import { parseUsers } from '../src/exportfs/users.ts';
import { RamFs } from '../src/fs/ram.ts';
import { Client } from '../src/fs/remote/client.ts';
import type { File, Handle } from '../src/fs/types.ts';
import { parseChallenge, proof, proofText } from '../src/ninep/auth.ts';
import { type Dialect, dialects, NOFID, QTAUTH } from '../src/ninep/index.ts';
import { listen } from '../src/node/transport.ts';
import { assertErr, E, Raw9p, who } from './lib/raw9p.ts';
import { exec } from './lib/run.ts';

const enc = new TextEncoder(), dec = new TextDecoder();
const token = enc.encode('a token of at least sixteen bytes');
const noDiodls = existsSync('/usr/sbin/diodls') ? false : 'diodls is not installed (apt-get install diod)';

function tree(): RamFs {
  const ram = new RamFs({ clock: () => 0n });
  const h = (ram.root().create('hello', 'file', 0o644, true) as File).open({ read: false, write: true }) as Handle;
  h.write(enc.encode('hello world\n'), 0);
  const sub = ram.root().create('sub', 'dir', 0o755, true) as File;
  sub.create('deep', 'file', 0o644, true);
  return ram;
}

const server = (opts: Partial<ServerOptions> = {}) => new Server({ exports: { '': tree(), scratch: new RamFs() }, clock: () => 0n, auth: { token }, ...opts });

async function session(d: Dialect, srv = server()): Promise<Raw9p> {
  const { c } = Raw9p.local(srv);
  assert.equal((await c.version(d)).version, d);
  return c;
}

/** Tauth, read the challenge, answer it with key: the afid and the proof written. */
async function prove(c: Raw9p, d: Dialect, afid: number, key: Uint8Array, uname = 'glenda', aname = ''): Promise<{ mac: Uint8Array; reply: string }> {
  const ra = await c.ok({ kind: 'Tauth', afid, aname, ...who(d, uname) }, 'Rauth');
  assert.equal(ra.aqid.type, QTAUTH);
  const ch = await c.ok({ kind: 'Tread', fid: afid, offset: 0n, count: 4096 }, 'Rread');
  assert.match(dec.decode(ch.data), /^goblin-hmac-sha256 [0-9a-f]{64}\n$/);
  const mac = await proof(key, parseChallenge(ch.data), uname, aname);
  const r = await c.rpc({ kind: 'Twrite', fid: afid, offset: 0n, data: proofText(mac) });
  return { mac, reply: r.kind };
}

const attach = (c: Raw9p, d: Dialect, fid: number, afid: number, uname = 'glenda', aname = '') =>
  c.rpc({ kind: 'Tattach', fid, afid, aname, ...who(d, uname) });

for (const d of dialects) {
  describe(`9P auth in ${d}`, () => {
    test('auth_right_proof_admits', async () => {
      const c = await session(d);
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: '', ...who(d, 'glenda') }), d, E.EBADF, /unknown fid/, 'an afid that does not exist');
      await c.ok({ kind: 'Tauth', afid: 1, aname: '', ...who(d, 'glenda') }, 'Rauth');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: '', ...who(d, 'glenda') }), d, E.EACCES, /not complete/, 'before the proof');
      await c.ok({ kind: 'Tclunk', fid: 1 }, 'Rclunk');
      const { reply } = await prove(c, d, 1, token);
      assert.equal(reply, 'Rwrite');
      assert.equal((await attach(c, d, 0, 1)).kind, 'Rattach');
      assert.equal((await c.rpc({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['hello'] })).kind, 'Rwalk');
      // the afid may serve another attach of the same uname and aname on this connection
      assert.equal((await attach(c, d, 3, 1)).kind, 'Rattach');
      assertErr(await c.error({ kind: 'Twrite', fid: 1, offset: 0n, data: enc.encode('x') }), d, E.EINVAL, /already proven/, 'a second proof');
      const open = d === '9P2000.L' ? { kind: 'Tlopen', fid: 1, flags: 0 } as const : { kind: 'Topen', fid: 1, mode: 0 } as const;
      assertErr(await c.error(open), d, E.EBUSY, /already open/, 'an afid is open already');
    });

    test('auth_wrong_token_refused', async () => {
      const c = await session(d);
      const { reply } = await prove(c, d, 1, enc.encode('another token, also long enough'));
      assert.notEqual(reply, 'Rwrite');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: '', ...who(d, 'glenda') }), d, E.EACCES, /not complete/, 'attach after a wrong proof');
      // the afid is spent: even the right proof is refused on it now
      const ch = await c.ok({ kind: 'Tread', fid: 1, offset: 0n, count: 4096 }, 'Rread');
      const mac = await proof(token, parseChallenge(ch.data), 'glenda', '');
      assertErr(await c.error({ kind: 'Twrite', fid: 1, offset: 0n, data: proofText(mac) }), d, E.EACCES, /spent/, 'the right proof on a spent afid');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: '', ...who(d, 'glenda') }), d, E.EACCES, /not complete/, 'still refused');
    });

    test('auth_none_refused', async () => {
      const c = await session(d);
      const r = await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '', ...who(d, 'glenda') });
      assertErr(r, d, E.EACCES, /authentication required/, 'attach without an afid');
      // a fid that is not an afid does not do either
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 0, aname: 'ctl', ...who(d, 'glenda') }), d, E.EBADF, /unknown fid/, 'no such afid');
    });

    test('auth_replayed_proof_refused', async () => {
      const a = await session(d);
      const seen = await prove(a, d, 1, token);
      assert.equal(seen.reply, 'Rwrite');
      // the same proof, overheard, on a new connection (and on a new afid of the same one)
      const srv = server();
      for (const c of [await session(d, srv), a]) {
        await c.ok({ kind: 'Tauth', afid: 5, aname: '', ...who(d, 'glenda') }, 'Rauth');
        assertErr(await c.error({ kind: 'Twrite', fid: 5, offset: 0n, data: proofText(seen.mac) }), d, E.EACCES, /wrong proof/, 'replayed proof');
        assertErr(await c.error({ kind: 'Tattach', fid: 6, afid: 5, aname: '', ...who(d, 'glenda') }), d, E.EACCES, /not complete/, 'attach with it');
      }
    });

    test('auth_proof_binds_uname_and_aname', async () => {
      const c = await session(d);
      assert.equal((await prove(c, d, 1, token, 'glenda', '')).reply, 'Rwrite');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: '', ...who(d, 'root') }), d, E.EACCES, /another uname or aname/, 'another uname');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: 1, aname: 'scratch', ...who(d, 'glenda') }), d, E.EACCES, /another uname or aname/, 'another aname');
      // a proof made for the pair split differently does not pass for this one
      await c.ok({ kind: 'Tauth', afid: 2, aname: 'b', ...who(d, 'a') }, 'Rauth');
      const ch = await c.ok({ kind: 'Tread', fid: 2, offset: 0n, count: 4096 }, 'Rread');
      const shifted = await proof(token, parseChallenge(ch.data), 'ab', '');
      assertErr(await c.error({ kind: 'Twrite', fid: 2, offset: 0n, data: proofText(shifted) }), d, E.EACCES, /wrong proof/, 'uname/aname split moved');
    });

    test('auth_client_with_token', async () => {
      const srv = server();
      const c = await Client.connect(serverTransport(srv), { dialect: d });
      const fs = await c.attach('', { uname: 'glenda', uid: 1000, token });
      const h = await (await fs.root().walk('hello')).open({ read: true, write: false });
      const buf = new Uint8Array(64);
      assert.equal(dec.decode(buf.subarray(0, await h.read(buf, 0))), 'hello world\n');
      h.close();
      await assert.rejects(c.attach('', { uname: 'glenda' }), /permission denied|authentication required/);
      await assert.rejects(c.attach('', { uname: 'glenda', token: enc.encode('not the token, but long enough') }), /wrong proof|permission denied/);
      c.close();
      // a token given to a server that needs none is not an error
      const open = await Client.connect(serverTransport(server({ auth: undefined })), { dialect: d });
      await open.attach('', { uname: 'glenda', token });
      open.close();
    });
  });
}

test('auth_afids_count_as_fids_and_die_with_the_session', async () => {
  const srv = server({ maxFids: 3 });
  const c = await session('9P2000.L', srv);
  for (const afid of [1, 2, 3]) await c.ok({ kind: 'Tauth', afid, uname: 'glenda', aname: '', n_uname: 1000 }, 'Rauth');
  assert.equal((await c.error({ kind: 'Tauth', afid: 4, uname: 'glenda', aname: '', n_uname: 1000 })).errno, E.EMFILE, 'EMFILE');
  assert.equal((await c.version('9P2000.L')).version, '9P2000.L'); // a new session: every afid is clunked
  await c.ok({ kind: 'Tauth', afid: 1, uname: 'glenda', aname: '', n_uname: 1000 }, 'Rauth');
  assert.equal((await c.error({ kind: 'Tattach', fid: 0, afid: 2, uname: 'glenda', aname: '', n_uname: 1000 })).errno, E.EBADF, 'gone with the old session');
});

test('auth_diodls_without_our_scheme_refused', { skip: noDiodls }, async () => {
  const srv = server();
  const l = await listen(srv, 'tcp!127.0.0.1!0');
  try {
    const r = await exec('/usr/sbin/diodls', ['-s', l.addr.split('!').slice(1).join(':'), '-a', '', '/']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /auth|permi|not permitted/i);
  } finally { await l.close(); }
});

// ---- --users

const users = parseUsers([
  '# uname aname access',
  'glenda  /      rw',
  'guest   /      ro',
  'subby   /sub   rw',
  'bot     scratch rw',
].join('\n'));

describe('--users: who may attach what', () => {
  const open = (opts: Partial<ServerOptions> = {}) => server({ auth: undefined, users, ...opts });

  for (const d of dialects) {
    test(`users_unlisted_and_unallowed_refused (${d})`, async () => {
      const c = await session(d, open());
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '', ...who(d, 'nobody') }), d, E.EACCES, /"nobody" may not attach/, 'unlisted uname');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '', ...who(d, 'subby') }), d, E.EACCES, /may not attach ""/, 'the whole tree');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '/sub/../', ...who(d, 'subby') }), d, E.EACCES, /may not attach/, '.. out of the allowed tree');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: 'scratch', ...who(d, 'glenda') }), d, E.EACCES, /may not attach "scratch"/, 'an export not listed for the user');
      assertErr(await c.error({ kind: 'Tattach', fid: 0, afid: NOFID, aname: 'ctl', ...who(d, 'glenda') }), d, E.EACCES, /may not attach "ctl"/, 'ctl is a tree like the others');
      await c.ok({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '/sub', ...who(d, 'subby') }, 'Rattach');
      // `..` from where the attach landed stays there
      const up = await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['..'] }, 'Rwalk');
      const top = await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['..', '..', 'deep'] }, 'Rwalk');
      assert.equal(up.wqid.length, 1);
      assert.equal(top.wqid.length, 3, '.. at the attach point stays there');
      await c.ok({ kind: 'Twalk', fid: 1, newfid: 3, wname: ['deep'] }, 'Rwalk');
      await c.ok({ kind: 'Tattach', fid: 4, afid: NOFID, aname: '/sub/./', ...who(d, 'subby') }, 'Rattach');
      await c.ok({ kind: 'Tattach', fid: 5, afid: NOFID, aname: 'scratch', ...who(d, 'bot') }, 'Rattach');
      await c.ok({ kind: 'Tattach', fid: 6, afid: NOFID, aname: '', ...who(d, 'glenda') }, 'Rattach');
    });

    test(`users_readonly_gets_erofs (${d})`, async () => {
      const c = await session(d, open());
      await c.ok({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '', ...who(d, 'guest') }, 'Rattach');
      await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['hello'] }, 'Rwalk');
      await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: [] }, 'Rwalk');
      const L = d === '9P2000.L';
      const ro = /read-only file system/;
      const changes = L ? [
        { kind: 'Tlopen', fid: 1, flags: 1 },
        { kind: 'Tlcreate', fid: 2, name: 'n', flags: 0o102, mode: 0o644, gid: 0 },
        { kind: 'Tmkdir', dfid: 0, name: 'n', mode: 0o755, gid: 0 },
        { kind: 'Tsymlink', fid: 0, name: 'n', symtgt: 'hello', gid: 0 },
        { kind: 'Trenameat', olddirfid: 0, oldname: 'hello', newdirfid: 0, newname: 'n' },
        { kind: 'Tunlinkat', dirfd: 0, name: 'hello', flags: 0 },
        { kind: 'Tsetattr', fid: 1, valid: 1, mode: 0o600, uid: 0, gid: 0, size: 0n, atime_sec: 0n, atime_nsec: 0n, mtime_sec: 0n, mtime_nsec: 0n },
      ] : [
        { kind: 'Topen', fid: 1, mode: 1 },
        { kind: 'Topen', fid: 1, mode: 0x10 },
        { kind: 'Tcreate', fid: 2, name: 'n', perm: 0o644, mode: 1, ...(d === '9P2000' ? {} : { extension: '' }) },
      ];
      for (const m of changes) assertErr(await c.error(m as never), d, E.EROFS, ro, `${m.kind} as a read-only user`);
      if (!L) {
        const st = (await c.ok({ kind: 'Tstat', fid: 1 }, 'Rstat')).stat;
        assertErr(await c.error({ kind: 'Twstat', fid: 1, stat: { ...st, name: 'renamed', uid: '', gid: '', muid: '', ...(d === '9P2000' ? {} : { n_uid: NOFID, n_gid: NOFID, n_muid: NOFID }) } }), d, E.EROFS, ro, 'Twstat rename');
      }
      await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: ['hello'] }, 'Rwalk');
      assertErr(await c.error({ kind: 'Tremove', fid: 3 }), d, E.EROFS, ro, 'Tremove');
      // reads still work, and another user on the same connection may write
      await c.ok(L ? { kind: 'Tlopen', fid: 1, flags: 0 } : { kind: 'Topen', fid: 1, mode: 0 }, L ? 'Rlopen' : 'Ropen');
      assert.equal(dec.decode((await c.ok({ kind: 'Tread', fid: 1, offset: 0n, count: 5 }, 'Rread')).data), 'hello');
      await c.ok({ kind: 'Tattach', fid: 9, afid: NOFID, aname: '', ...who(d, 'glenda') }, 'Rattach');
      await c.ok(L ? { kind: 'Tlcreate', fid: 9, name: 'mine', flags: 0o102, mode: 0o644, gid: 0 } : { kind: 'Tcreate', fid: 9, name: 'mine', perm: 0o644, mode: 1, ...(d === '9P2000' ? {} : { extension: '' }) } as never, L ? 'Rlcreate' : 'Rcreate');
    });
  }

  test('users_with_auth: the token first, then the rules', async () => {
    const c = await session('9P2000.L', server({ users }));
    assert.equal((await prove(c, '9P2000.L', 1, token, 'nobody', '')).reply, 'Rwrite');
    assert.equal((await c.error({ kind: 'Tattach', fid: 0, afid: 1, uname: 'nobody', aname: '', n_uname: 1 })).errno, E.EACCES);
    assert.equal((await prove(c, '9P2000.L', 2, token, 'guest', '')).reply, 'Rwrite');
    await c.ok({ kind: 'Tattach', fid: 0, afid: 2, uname: 'guest', aname: '', n_uname: 1 }, 'Rattach');
    assert.equal((await c.error({ kind: 'Tmkdir', dfid: 0, name: 'x', mode: 0o755, gid: 0 })).errno, E.EROFS);
  });

  test('users_file_format', () => {
    assert.throws(() => parseUsers('glenda / rw extra\n', 'u'), /u:1: expected "uname aname ro\|rw"/);
    assert.throws(() => parseUsers('\n# c\nglenda / write', 'u'), /u:3: access must be ro or rw/);
    const u = parseUsers('a /x/../y/ ro # a comment\nb * rw\n');
    assert.deepEqual(u.rules, [{ uname: 'a', aname: '/y', readonly: true }, { uname: 'b', aname: '*', readonly: false }]);
    assert.equal(u.access('a', '/y/z').readonly, true);
    assert.throws(() => u.access('a', '/yy'), /may not attach/);
    assert.equal(u.access('b', 'anything').readonly, false);
  });
});

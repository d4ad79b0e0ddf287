// Metadata tricks through the 9P server onto a host directory, in all three
// dialects: setuid, setgid and sticky bits are never set (Twstat, Tsetattr,
// Tcreate, Tlcreate, Tmkdir answer EPERM, and the host shows nothing changed);
// a symlink leading out of the tree is refused however it is asked for
// (Tsymlink, .u's Tcreate with DMSYMLINK; 9P2000 has no symlinks and says so);
// chown (Tsetattr uid/gid, Twstat uid/gid/muid and .u's numeric ids) is an
// error, never a success that changed nothing.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Server } from '../src/exportfs/server.ts';
import {
  type Dialect, dialects, DMDIR, DMSETGID, DMSETUID, DMSETVTX, DMSYMLINK, NOFID, nullStat, type Stat,
} from '../src/ninep/index.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { exportNamespace } from '../src/node/export.ts';
import { assertErr, E, Raw9p, who } from './lib/raw9p.ts';

const base = mkdtempSync(join(tmpdir(), 'goblin-meta-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** A fresh host tree (f: 0644, d/: 0755) inside base/N/tree, with base/N/outside beside it. */
let n = 0;
function hostTree(): string {
  const top = join(base, String(n++));
  const dir = join(top, 'tree');
  mkdirSync(join(dir, 'd'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'f'), 'data');
  writeFileSync(join(top, 'outside'), 'secret');
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o7777;

async function attached(d: Dialect, dir: string, how: 'host' | 'namespace'): Promise<Raw9p> {
  const exported = how === 'host' ? new HostFs(dir) : exportNamespace(`bind -c '#U${dir}' /\n`);
  const { c } = Raw9p.local(new Server({ exports: { '': exported } }));
  assert.equal((await c.version(d)).version, d);
  await c.ok({ kind: 'Tattach', fid: 0, afid: NOFID, aname: '', ...who(d, 'glenda', 1000) }, 'Rattach');
  return c;
}

/** A Twstat that changes only what is given. */
const wstat = (d: Dialect, fid: number, change: Partial<Stat>) => ({ kind: 'Twstat', fid, stat: { ...nullStat(d), ...change } }) as const;

const setattr = (fid: number, valid: number, f: { mode?: number; uid?: number; gid?: number } = {}) => ({
  kind: 'Tsetattr', fid, valid, mode: f.mode ?? 0, uid: f.uid ?? 0, gid: f.gid ?? 0, size: 0n,
  atime_sec: 0n, atime_nsec: 0n, mtime_sec: 0n, mtime_nsec: 0n,
}) as const;

const eperm = /permission denied|setuid|chown/;

for (const how of ['host', 'namespace'] as const) {
  for (const d of dialects) {
    describe(`metadata over ${d} (${how === 'host' ? 'a host directory' : 'a namespace binding one'})`, () => {
      const L = d === '9P2000.L';
      const u = d !== '9P2000';

      test('setuid_setgid_sticky_never_set', async () => {
        const dir = hostTree();
        const c = await attached(d, dir, how);
        await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['f'] }, 'Rwalk');
        await c.ok({ kind: 'Twalk', fid: 0, newfid: 2, wname: ['d'] }, 'Rwalk');
        if (L) {
          for (const m of [0o4755, 0o2755, 0o1755, 0o6777]) assertErr(await c.error(setattr(1, 1, { mode: m })), d, E.EPERM, eperm, `Tsetattr mode 0${m.toString(8)}`);
          assertErr(await c.error(setattr(2, 1, { mode: 0o1777 })), d, E.EPERM, eperm, 'Tsetattr sticky on a directory');
          await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: [] }, 'Rwalk');
          assertErr(await c.error({ kind: 'Tlcreate', fid: 3, name: 'suid', flags: 0o102, mode: 0o4755, gid: 0 }), d, E.EPERM, eperm, 'Tlcreate setuid');
          assertErr(await c.error({ kind: 'Tmkdir', dfid: 0, name: 'sgid', mode: 0o42755, gid: 0 }), d, E.EPERM, eperm, 'Tmkdir setgid');
        } else {
          const bits = u ? [DMSETUID | 0o755, DMSETGID | 0o755, DMSETVTX | 0o755, 0o4755] : [0o4755, 0o2755, DMSETUID | 0o755];
          for (const m of bits) assertErr(await c.error(wstat(d, 1, { mode: m >>> 0 })), d, E.EPERM, eperm, `Twstat mode ${m.toString(16)}`);
          assertErr(await c.error(wstat(d, 2, { mode: (DMDIR | 0o1777) >>> 0 })), d, E.EPERM, eperm, 'Twstat sticky on a directory');
          await c.ok({ kind: 'Twalk', fid: 0, newfid: 3, wname: [] }, 'Rwalk');
          const ext = u ? { extension: '' } : {};
          assertErr(await c.error({ kind: 'Tcreate', fid: 3, name: 'suid', perm: (u ? DMSETUID : 0o4000) | 0o755, mode: 1, ...ext }), d, E.EPERM, eperm, 'Tcreate setuid');
          assertErr(await c.error({ kind: 'Tcreate', fid: 3, name: 'sgid', perm: (DMDIR | (u ? DMSETGID : 0o2000) | 0o755) >>> 0, mode: 0, ...ext }), d, E.EPERM, eperm, 'Tcreate setgid directory');
        }
        assert.equal(mode(join(dir, 'f')), 0o644, 'the file is as it was');
        assert.equal(mode(join(dir, 'd')), 0o755, 'the directory is as it was');
        assert.ok(!existsSync(join(dir, 'suid')) && !existsSync(join(dir, 'sgid')), 'nothing was made');
        // plain permission changes still go through
        if (L) await c.ok(setattr(1, 1, { mode: 0o600 }), 'Rsetattr');
        else await c.ok(wstat(d, 1, { mode: 0o600 }), 'Rwstat');
        assert.equal(mode(join(dir, 'f')), 0o600);
      });

      test('symlinks_leading_out_refused', async () => {
        const dir = hostTree();
        const c = await attached(d, dir, how);
        await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['d'] }, 'Rwalk');
        const targets = ['/etc/passwd', '../outside', 'd/../../outside', '/'];
        let i = 0;
        const symlink = async (fid: number, name: string, target: string) => {
          if (L) return c.rpc({ kind: 'Tsymlink', fid, name, symtgt: target, gid: 0 });
          await c.ok({ kind: 'Twalk', fid, newfid: 50 + i, wname: [] }, 'Rwalk');
          return c.rpc({ kind: 'Tcreate', fid: 50 + i++, name, perm: (DMSYMLINK | 0o777) >>> 0, mode: 0, ...(u ? { extension: target } : {}) });
        };
        for (const t of targets) {
          const r = await symlink(0, `out${i}`, t);
          if (d === '9P2000') {
            assert.equal(r.kind, 'Rerror', `9P2000 Tcreate DMSYMLINK ${t}`);
            assert.match((r as { ename: string }).ename, /9P2000 cannot make symlinks/);
          } else {
            assert.ok(r.kind === 'Rlerror' || r.kind === 'Rerror', `a symlink to ${t}: ${r.kind}`);
            assert.equal((r as { ecode?: number; errno?: number }).ecode ?? (r as { errno?: number }).errno, E.EPERM, `a symlink to ${t}`);
          }
        }
        // from a subdirectory, one level up is still inside, two are not
        const inside = await symlink(1, 'up', '../f');
        const outside = await symlink(1, 'upup', '../../outside');
        if (d === '9P2000') assert.equal(inside.kind, 'Rerror');
        else {
          assert.ok(inside.kind === 'Rsymlink' || inside.kind === 'Rcreate', inside.kind);
          assert.equal(lstatSync(join(dir, 'd', 'up')).isSymbolicLink(), true);
        }
        assert.ok(outside.kind === 'Rerror' || outside.kind === 'Rlerror', outside.kind);
        assert.ok(!existsSync(join(dir, 'd', 'upup')));
        for (let k = 0; k < targets.length; k++) assert.ok(!existsSync(join(dir, `out${k}`)), `no out${k}, of any kind`);
      });

      test('chown_refused_with_an_error', async () => {
        const dir = hostTree();
        const c = await attached(d, dir, how);
        await c.ok({ kind: 'Twalk', fid: 0, newfid: 1, wname: ['f'] }, 'Rwalk');
        if (L) {
          assertErr(await c.error(setattr(1, 0x2, { uid: 0 })), d, E.EPERM, eperm, 'Tsetattr uid');
          assertErr(await c.error(setattr(1, 0x4, { gid: 0 })), d, E.EPERM, eperm, 'Tsetattr gid');
          assertErr(await c.error(setattr(1, 0x1 | 0x2, { mode: 0o600, uid: 0 })), d, E.EPERM, eperm, 'Tsetattr mode and uid');
          assert.equal(mode(join(dir, 'f')), 0o644, 'nothing of a refused setattr happens');
          // the owner it already has is no change
          await c.ok(setattr(1, 0x2 | 0x4, { uid: 1000, gid: 1000 }), 'Rsetattr');
        } else {
          const st = (await c.ok({ kind: 'Tstat', fid: 1 }, 'Rstat')).stat;
          assert.equal(st.uid, 'glenda');
          for (const change of [{ uid: 'root' }, { gid: 'wheel' }, { muid: 'someone' }, { uid: 'root', mode: 0o600 }] as Partial<Stat>[])
            assertErr(await c.error(wstat(d, 1, change)), d, E.EPERM, eperm, `Twstat ${JSON.stringify(change)}`);
          if (u) {
            for (const change of [{ n_uid: 0 }, { n_gid: 0 }, { n_muid: 0 }] as Partial<Stat>[])
              assertErr(await c.error(wstat(d, 1, change)), d, E.EPERM, eperm, `Twstat ${JSON.stringify(change)}`);
          }
          assert.equal(mode(join(dir, 'f')), 0o644, 'nothing of a refused wstat happens');
          await c.ok(wstat(d, 1, { uid: 'glenda', gid: 'glenda' }), 'Rwstat');
        }
        assert.equal(statSync(join(dir, 'f')).uid, process.getuid!(), 'the host owner is as it was');
      });
    });
  }
}

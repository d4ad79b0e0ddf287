// goblin export serves several trees chosen by aname: the namespace as '', host
// directories by --aname NAME::DIR[:ro], and diod's ctl.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startExport } from './lib/peers.ts';
import { exec, goblin } from './lib/run.ts';

const noDiodls = existsSync('/usr/sbin/diodls') ? false : 'diodls is not installed (apt-get install diod)';

test('exports chosen by aname: default, --aname, read-only --aname, ctl; diodls agrees', async t => {
  const a = mkdtempSync(join(tmpdir(), 'goblin-aname-')), b = mkdtempSync(join(tmpdir(), 'goblin-aname-'));
  writeFileSync(join(a, 'in-a'), 'A');
  writeFileSync(join(b, 'in-b'), 'B');
  const ex = await startExport(['--listen', 'tcp!127.0.0.1!0', '--dir', `${a}::/`, '--aname', `bee::${b}`, '--aname', `ro::${b}:ro`]);
  try {
    assert.equal((await goblin(['9p', 'ls', ex.addr, '/'])).stdout, 'in-a\n');
    assert.equal((await goblin(['9p', '-a', 'bee', 'cat', ex.addr, '/in-b'])).stdout, 'B');
    const w = await goblin(['9p', '-a', 'bee', 'write', ex.addr, '/made'], { stdin: 'new' });
    assert.equal(w.code, 0, w.stderr);
    assert.ok(existsSync(join(b, 'made')));
    const ro = await goblin(['9p', '-a', 'ro', 'write', ex.addr, '/nope'], { stdin: 'x' });
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /read-only file system/);
    assert.ok(!existsSync(join(b, 'nope')));
    assert.match((await goblin(['9p', '-a', 'ctl', 'ls', ex.addr, '/'])).stdout, /\bzero\b/);
    await t.test('diodls lists the --aname export', { skip: noDiodls }, async () => {
      const d = await exec('/usr/sbin/diodls', ['-s', ex.addr.split('!').slice(1).join(':'), '-a', 'bee', '/']);
      assert.deepEqual(d.stdout.trim().split('\n').sort(), ['in-b', 'made']);
    });
    const bad = await goblin(['export', '--aname', 'nodir']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected NAME::HOSTDIR/);
  } finally {
    await ex.stop();
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

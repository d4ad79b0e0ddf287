// Real 9P2000.L clients against `goblin export`: diod's diodls, diodcat and
// diodload (Debian's diod package) list, read and load Goblin's export over tcp
// and unix sockets. Each test starts its own `goblin export`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exec, goblinBin, node } from './lib/run.ts';
import { startExport, type Peer as Exported } from './lib/peers.ts';

const bin = (name: string) => `/usr/sbin/${name}`;
const skip = existsSync(bin('diodls')) ? false : 'diod is not installed (apt-get install diod)';

/** diod's tools take HOST:PORT or a socket path. */
const diodAddr = (addr: string) => addr.startsWith('unix!') ? addr.slice(5) : addr.split('!').slice(1).join(':');

const big = Array.from({ length: 60000 }, (_, i) => `line ${i}\n`).join(''); // ~600 KB: many reads at msize 65536

describe('diod clients against goblin export', { skip }, () => {
  let dir: string, ex: Exported, unix: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'goblin-diod-'));
    const data = join(dir, 'data');
    mkdirSync(join(data, 'sub'), { recursive: true });
    writeFileSync(join(data, 'hello.txt'), 'hello from goblin\n');
    writeFileSync(join(data, 'big.txt'), big);
    writeFileSync(join(data, 'sub', 'inner'), 'x');
    symlinkSync('hello.txt', join(data, 'link'));
    unix = join(dir, 'sock');
    ex = await startExport(['--listen', 'tcp!127.0.0.1!0', '--listen', `unix!${unix}`, '--dir', `${data}::/`]);
  });
  after(async () => {
    await ex?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('goblin export says where it listens', () => {
    assert.match(ex.addr, /^tcp!127\.0\.0\.1!\d+$/);
  });

  test('diodls lists the export (9P2000.L readdir, whole entries)', async () => {
    const r = await exec(bin('diodls'), ['-s', diodAddr(ex.addr), '-a', '']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['big.txt', 'hello.txt', 'link', 'sub']);
  });

  test('diodls -l walks from the open directory fid and getattrs each entry', async () => {
    const r = await exec(bin('diodls'), ['-l', '-s', diodAddr(ex.addr), '-a', '']);
    assert.equal(r.code, 0, r.stderr);
    const line = (name: string) => r.stdout.split('\n').find(l => l.endsWith(` ${name}`)) ?? '';
    assert.match(line('big.txt'), new RegExp(`^-rw-r--r--\\. +1 \\S+ \\S+ +${big.length} `));
    assert.match(line('sub'), /^drwx/);
    assert.match(line('..'), /^drwx/);
  });

  test('diodls lists a subdirectory and an aname that is a path', async () => {
    const r = await exec(bin('diodls'), ['-s', diodAddr(ex.addr), '-a', '', 'sub']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'inner\n');
    const r2 = await exec(bin('diodls'), ['-s', diodAddr(ex.addr), '-a', '/sub']);
    assert.equal(r2.stdout, 'inner\n', r2.stderr);
  });

  test('diodcat reads small and large files', async () => {
    const r = await exec(bin('diodcat'), ['-s', diodAddr(ex.addr), '-a', '', 'hello.txt', 'sub/inner']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from goblin\nx');
    const b = await exec(bin('diodcat'), ['-s', diodAddr(ex.addr), '-a', '', 'big.txt']);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.length, big.length);
    assert.ok(b.stdout === big);
  });

  test('diodcat of a missing file fails with ENOENT', async () => {
    const r = await exec(bin('diodcat'), ['-s', diodAddr(ex.addr), '-a', '', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No such file or directory/);
  });

  test('diodls and diodcat over a unix socket', async () => {
    const r = await exec(bin('diodls'), ['-s', unix, '-a', '', 'sub']);
    assert.equal(r.stdout, 'inner\n', r.stderr);
    const c = await exec(bin('diodcat'), ['-s', unix, '-a', 'ctl', 'version']);
    assert.equal(c.stdout, 'goblin\n', c.stderr);
  });

  test('the ctl aname lists like diod\'s', async () => {
    const r = await exec(bin('diodls'), ['-s', diodAddr(ex.addr)]);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['zero', 'null', 'version']) assert.ok(r.stdout.split('\n').includes(f), r.stdout);
  });

  for (const [label, args] of [
    ['read/write, 1 thread', ['-n', '1']],
    ['read/write, 16 threads', ['-n', '16']],
    ['getattr, 16 threads', ['-n', '16', '-g']],
  ] as const) {
    test(`diodload ${label} against ctl: no errors`, { skip: existsSync(bin('diodload')) ? false : 'no diodload' }, async () => {
      const r = await exec(bin('diodload'), ['-s', diodAddr(ex.addr), '-r', '1', ...args], { timeoutMs: 20_000 });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^diodload: [1-9]\d* ops\/s/);
    });
  }
});

describe('goblin export --ro', { skip }, () => {
  test('serves reads at a deep mount point; the CLI refuses an empty namespace and bad addresses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-diod-ro-'));
    writeFileSync(join(dir, 'f'), 'ro\n');
    // bound at the same (deep) path
    const ex = await startExport(['--ro', '--listen', 'tcp!127.0.0.1!0', '--dir', `${dir}::${dir}`]);
    try {
      const r = await exec(bin('diodcat'), ['-s', diodAddr(ex.addr), '-a', '', `${dir.slice(1)}/f`]);
      assert.equal(r.stdout, 'ro\n', r.stderr);
    } finally {
      await ex.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const none = await exec(node, [goblinBin, 'export']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing to export/);
    const bad = await exec(node, [goblinBin, 'export', '--dir', '/tmp::/', '--listen', 'tcp:1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad address "tcp:1" \(try tcp!127\.0\.0\.1!5640/);
  });
});

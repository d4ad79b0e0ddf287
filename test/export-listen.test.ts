// Listening on a unix socket never deletes what is not a socket, nor a socket a
// live server holds; a stale socket is replaced, and closing removes only its own.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { Server } from '../src/exportfs/server.ts';
import { RamFs } from '../src/fs/ram.ts';
import { listen } from '../src/node/transport.ts';
import { goblin } from './lib/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'goblin-listen-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const server = () => new Server({ exports: { '': new RamFs() } });

test('listen_unix_refuses_a_regular_file_and_keeps_it', async () => {
  const p = join(dir, 'data');
  writeFileSync(p, 'precious\n');
  await assert.rejects(listen(server(), `unix!${p}`), /the path exists and is not a socket; it is left as it is/);
  assert.equal(readFileSync(p, 'utf8'), 'precious\n');
  const r = await goblin(['export', '--dir', `${dir}::/`, '--listen', `unix!${p}`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^goblin: export: .*not a socket/);
  assert.equal(readFileSync(p, 'utf8'), 'precious\n');
});

test('listen_unix_refuses_a_directory_and_a_symlink', async () => {
  const d = join(dir, 'd');
  mkdirSync(d);
  writeFileSync(join(d, 'f'), 'x');
  await assert.rejects(listen(server(), `unix!${d}`), /not a socket/);
  assert.equal(readFileSync(join(d, 'f'), 'utf8'), 'x');
  const l = join(dir, 'link');
  symlinkSync(join(d, 'f'), l);
  await assert.rejects(listen(server(), `unix!${l}`), /not a socket/);
  assert.equal(readFileSync(l, 'utf8'), 'x');
});

test('listen_unix_refuses_a_live_socket_and_replaces_a_stale_one', async () => {
  const p = join(dir, 'sock');
  const first = await listen(server(), `unix!${p}`);
  await assert.rejects(listen(server(), `unix!${p}`), /a server is listening there/);
  await first.close();
  // a socket left by a server that died without cleaning up (killed)
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.ok(statSync(p).isSocket());
  const second = await listen(server(), `unix!${p}`);
  const { dial } = await import('../src/node/transport.ts');
  (await dial(`unix!${p}`)).destroy(); // the new server answers there
  await second.close();
  assert.throws(() => statSync(p), /ENOENT/);
});

test('closing_a_listener_leaves_a_path_someone_else_replaced', async () => {
  const p = join(dir, 'sock2');
  const l = await listen(server(), `unix!${p}`);
  rmSync(p);
  writeFileSync(p, 'mine now\n');
  await l.close();
  assert.equal(readFileSync(p, 'utf8'), 'mine now\n');
  assert.deepEqual(readdirSync(dir).filter(n => n.startsWith('.gl-')), [], 'no private directory is left behind');
});

// A plain tcp export, and the CLI it runs in, load no more than they serve with: node:tls and ws (and node:http
// with it) stay out of the heap (see ARCHITECTURE.md, Costs).
test('export_on_tcp_loads_neither_tls_nor_ws', () => {
  const script = `
    const { startExport } = await import('./src/node/export.ts');
    await import('./src/node/cli.ts');
    const ex = await startExport({ listen: ['tcp!127.0.0.1!0'], ns: "bind '#U${dir}' /\\n" });
    await ex.close();
    const loaded = process.moduleLoadList.filter(m => /^NativeModule (tls|_tls_wrap|http|https)$/.test(m));
    console.log(JSON.stringify(loaded));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), []);
});

// `goblin export` on a network: an address other than loopback or a unix socket
// needs authentication (or --no-auth, warned about); --auth-file's token is
// proved by `goblin 9p`, `goblin run --mount`, the shell's `mount` and refused
// without it or with another; the file must be private; --users through the
// CLI; ws:// refuses browsers from origins not allowed.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { Client, type Transport } from '../src/fs/remote/client.ts';
import { cc } from './lib/cc.ts';
import { startExport, type Peer } from './lib/peers.ts';
import { goblin, run } from './lib/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'goblin-auth-'));
const tree = join(dir, 'tree');
const token = join(dir, 'token'), other = join(dir, 'other'), open = join(dir, 'open'), psk = join(dir, 'psk');
before(() => {
  mkdirSync(tree);
  writeFileSync(join(tree, 'f'), 'behind a token\n');
  for (const [p, text] of [[token, 'the-right-token-0123456789abcdef\n'], [other, 'some-other-token-0123456789abcde\n'], [open, 'the-right-token-0123456789abcdef\n'], [psk, `${'ab'.repeat(32)}\n`]] as const) {
    writeFileSync(p, text);
    chmodSync(p, p === open ? 0o644 : 0o600);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The port of a listen address that may be a wildcard, dialed on loopback. */
const loop = (addr: string) => addr.replace(/^(\w+)!(\*|0\.0\.0\.0)!/, '$1!127.0.0.1!');
const lines = (s: string) => s.split('\n').filter(Boolean);

describe('network addresses need authentication', () => {
  for (const addr of ['tcp!0.0.0.0!0', 'tcp!*!0', 'ws://0.0.0.0:0/9p']) {
    test(`export_${addr.replace(/\W+/g, '_')}_without_auth_refuses_to_start`, async () => {
      const r = await goblin(['export', '--dir', `${tree}::/`, '--listen', addr]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /^goblin: export: .* is reachable from the network and nothing authenticates its clients: give --auth-file FILE/);
    });
  }

  test('export_tls_without_client_checks_refuses_to_start', async () => {
    const r = await goblin(['export', '--dir', `${tree}::/`, '--listen', 'tls!0.0.0.0!0', '--tls-psk', psk, '--listen', 'tcp!0.0.0.0!0']);
    assert.equal(r.code, 2, 'the tcp listener has no authentication even though the tls one has');
    assert.match(r.stderr, /tcp!0\.0\.0\.0!0 is reachable/);
  });

  test('export_no_auth_warns_and_serves', async () => {
    const ex = await startExport(['--dir', `${tree}::/`, '--listen', 'tcp!0.0.0.0!0', '--no-auth']);
    try {
      for (let i = 0; i < 100 && !ex.stderr!(); i++) await new Promise(r => setTimeout(r, 20));
      assert.match(ex.stderr!(), /^goblin: export: warning: tcp!0\.0\.0\.0!0 serves without authentication \(--no-auth\)/);
      assert.equal(lines(ex.stderr!()).length, 1);
      assert.equal((await goblin(['9p', 'cat', loop(ex.addr), '/f'])).stdout, 'behind a token\n');
    } finally { await ex.stop(); }
  });

  test('export_loopback_needs_no_auth_and_says_nothing', async () => {
    const ex = await startExport(['--dir', `${tree}::/`, '--listen', 'tcp!127.0.0.1!0', '--listen', `unix!${join(dir, 'sock')}`]);
    try {
      assert.equal((await goblin(['9p', 'cat', ex.addr, '/f'])).stdout, 'behind a token\n');
      assert.equal(ex.stderr!(), '');
    } finally { await ex.stop(); }
  });

  test('export_no_auth_and_auth_file_contradict', async () => {
    const r = await goblin(['export', '--dir', `${tree}::/`, '--auth-file', token, '--no-auth']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--no-auth and --auth-file contradict/);
  });
});

describe('--auth-file', () => {
  let ex: Peer;
  let addr: string;
  before(async () => {
    ex = await startExport(['--dir', `${tree}::/`, '--listen', 'tcp!0.0.0.0!0', '--auth-file', token]);
    addr = loop(ex.addr);
  });
  after(() => ex?.stop());

  test('auth_file_must_be_private', async () => {
    const r = await goblin(['export', '--dir', `${tree}::/`, '--auth-file', open]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^goblin: export: --auth-file .*: group or others may read or write it \(mode 0644\); chmod 600 it\n$/);
    const c = await goblin(['9p', '--auth-file', open, 'cat', addr, '/f']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /chmod 600/);
    const short = join(dir, 'short');
    writeFileSync(short, 'tiny\n', { mode: 0o600 });
    assert.match((await goblin(['export', '--dir', `${tree}::/`, '--auth-file', short])).stderr, /at least 16 bytes/);
  });

  test('auth_file_right_token_in_every_dialect', async () => {
    for (const d of ['9P2000.L', '9P2000.u', '9P2000']) {
      const r = await goblin(['9p', '--dialect', d, '--auth-file', token, 'cat', addr, '/f']);
      assert.equal(r.stdout, 'behind a token\n', `${d}: ${r.stderr}`);
    }
    // GOBLIN_AUTH_FILE stands in for the flag
    const r = await goblin(['9p', 'cat', addr, '/f'], { env: { GOBLIN_AUTH_FILE: token } });
    assert.equal(r.stdout, 'behind a token\n', r.stderr);
  });

  test('auth_file_wrong_token_or_none_refused', async () => {
    for (const d of ['9P2000.L', '9P2000.u', '9P2000']) {
      const wrong = await goblin(['9p', '--dialect', d, '--auth-file', other, 'cat', addr, '/f']);
      assert.equal(wrong.code, 1);
      assert.equal(wrong.stdout, '');
      assert.equal(lines(wrong.stderr).length, 1);
      assert.match(wrong.stderr, d === '9P2000.L' ? /permission denied/ : /wrong proof/, `${d}: ${wrong.stderr}`);
      const none = await goblin(['9p', '--dialect', d, 'cat', addr, '/f']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, d === '9P2000.L' ? /permission denied \(the server refused the attach/ : /authentication required/, `${d}: ${none.stderr}`);
    }
  });

  test('auth_file_run_mount_and_shell_mount', async () => {
    const vm = await run(['--mount', `${addr}::/n/x`, '--auth-file', token], cc('gfs'), ['cat', '/n/x/f']);
    assert.equal(vm.stdout, 'behind a token\n', vm.stderr);
    assert.equal(vm.code, 0);
    const refused = await run(['--mount', `${addr}::/n/x`], cc('gfs'), ['cat', '/n/x/f']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /permission denied/);
    const sh = await goblin(['sh', '-c', `mount '${addr}' /n/x; cat /n/x/f`], { env: { GOBLIN_AUTH_FILE: token } });
    assert.equal(sh.stdout, 'behind a token\n', sh.stderr);
  });
});

describe('--users through the CLI', () => {
  test('users_cli_refuses_unlisted_and_ro_gets_erofs', async () => {
    const users = join(dir, 'users');
    writeFileSync(users, '# who may attach\nglenda / rw\nguest  / ro\n');
    const ex = await startExport(['--dir', `${tree}::/`, '--listen', 'tcp!127.0.0.1!0', '--users', users]);
    try {
      const nobody = await goblin(['9p', '--dialect', '9P2000', '-u', 'nobody', 'cat', ex.addr, '/f']);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /user "nobody" may not attach/);
      const L = await goblin(['9p', '-u', 'nobody', 'cat', ex.addr, '/f']);
      assert.match(L.stderr, /permission denied/);
      assert.equal((await goblin(['9p', '-u', 'guest', 'cat', ex.addr, '/f'])).stdout, 'behind a token\n');
      const ro = await goblin(['9p', '-u', 'guest', 'write', ex.addr, '/new'], { stdin: 'x' });
      assert.equal(ro.code, 1);
      assert.match(ro.stderr, /read-only file system/);
      const rw = await goblin(['9p', '-u', 'glenda', 'write', ex.addr, '/new'], { stdin: 'made' });
      assert.equal(rw.code, 0, rw.stderr);
      assert.equal(readFileSync(join(tree, 'new'), 'utf8'), 'made');
    } finally { await ex.stop(); }
    writeFileSync(users, 'glenda / readwrite\n');
    const bad = await goblin(['export', '--dir', `${tree}::/`, '--users', users]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /users:1: access must be ro or rw/);
  });
});

// ---- ws://

/** A WebSocket as a 9P client transport. */
function wsTransport(ws: WebSocket): Transport {
  return {
    send: b => ws.send(b),
    receive(data, closed) {
      ws.on('message', (b: Buffer) => data(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
      ws.on('close', () => closed());
    },
    close: () => ws.close(),
  };
}

/** Opens a WebSocket; answers it open, or the HTTP status that refused it. */
function connect(url: string, origin?: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { headers: { Origin: origin } });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', e => { if (!String(e.message).includes('403')) reject(e); });
  });
}

describe('ws:// origins', () => {
  test('ws_origin_refused_unless_allowed', async () => {
    const ex = await startExport(['--dir', `${tree}::/`, '--listen', 'ws://127.0.0.1:0/9p', '--ws-origin', 'https://app.example']);
    try {
      assert.equal(await connect(ex.addr, 'https://evil.example'), 403);
      assert.equal(await connect(ex.addr, 'null'), 403);
      for (const origin of ['https://app.example', undefined]) {
        const ws = await connect(ex.addr, origin);
        assert.ok(ws instanceof WebSocket, `origin ${origin}`);
        const c = await Client.connect(wsTransport(ws));
        const fs = await c.attach('', { uname: 'glenda' });
        assert.equal(fs.root().qid.type, 'dir');
        c.close();
      }
    } finally { await ex.stop(); }
    const none = await startExport(['--dir', `${tree}::/`, '--listen', 'ws://127.0.0.1:0/9p']);
    try {
      assert.equal(await connect(none.addr, 'http://localhost:8080'), 403, 'no origin is allowed by default');
    } finally { await none.stop(); }
  });

  test('ws_takes_the_token', async () => {
    const ex = await startExport(['--dir', `${tree}::/`, '--listen', 'ws://0.0.0.0:0/9p', '--auth-file', token]);
    const url = ex.addr.replace('0.0.0.0', '127.0.0.1');
    try {
      const ws = await connect(url);
      assert.ok(ws instanceof WebSocket);
      const c = await Client.connect(wsTransport(ws));
      await assert.rejects(c.attach('', { uname: 'glenda' }), /permission denied/);
      const t = new TextEncoder().encode(readFileSync(token, 'utf8').trim());
      const fs = await c.attach('', { uname: 'glenda', token: t });
      const h = await (await fs.root().walk('f')).open({ read: true, write: false });
      const buf = new Uint8Array(64);
      assert.equal(new TextDecoder().decode(buf.subarray(0, await h.read(buf, 0))), 'behind a token\n');
      h.close();
      c.close();
    } finally { await ex.stop(); }
  });
});

// 9P over TLS (tls!HOST!PORT) with real certificates made here (node:crypto keys,
// openssl X.509): a VM reads a file through a client certificate the server's CA
// signed; no certificate, another CA's, an expired one, a key that is not the
// certificate's, or a server this client cannot verify are all refused. A
// pre-shared key: right works, wrong or none refused. The same through --ns
// `mount` lines, the shell's `mount` and the GOBLIN_TLS_* variables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tls from 'node:tls';
import { type Certs, makeCerts } from './lib/certs.ts';
import { cc } from './lib/cc.ts';
import { startExport, type Peer } from './lib/peers.ts';
import { goblin, run } from './lib/run.ts';

let certs: Certs, dir: string, byCert: Peer, byPsk: Peer;
const lines = (s: string) => s.split('\n').filter(Boolean);

before(async () => {
  certs = makeCerts();
  dir = mkdtempSync(join(tmpdir(), 'goblin-tls-'));
  writeFileSync(join(dir, 'f'), 'over tls\n');
  [byCert, byPsk] = await Promise.all([
    startExport(['--dir', `${dir}::/`, '--listen', 'tls!127.0.0.1!0', '--tls-cert', certs.server.cert, '--tls-key', certs.server.key, '--tls-client-ca', certs.ca]),
    // a wildcard address is a network one: the pre-shared key is what lets it start
    startExport(['--dir', `${dir}::/`, '--listen', 'tls!*!0', '--tls-psk', certs.psk]),
  ]);
});
after(async () => {
  await Promise.all([byCert?.stop(), byPsk?.stop()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(certs.dir, { recursive: true, force: true });
});

const client = (c: { cert: string; key: string }) => ['--tls-ca', certs.ca, '--tls-cert', c.cert, '--tls-key', c.key];
const pskAddr = () => byPsk.addr.replace('tls!*!', 'tls!127.0.0.1!');

describe('tls! with client certificates', () => {
  test('tls_client_cert_vm_reads_a_file', async () => {
    assert.match(byCert.addr, /^tls!127\.0\.0\.1!\d+$/);
    const r = await run(['--mount', `${byCert.addr}::/n/x`, ...client(certs.client)], cc('gfs'), ['cat', '/n/x/f']);
    assert.equal(r.stdout, 'over tls\n', r.stderr);
    assert.equal(r.code, 0);
    assert.equal((await goblin(['9p', ...client(certs.client), 'cat', byCert.addr, '/f'])).stdout, 'over tls\n');
  });

  test('tls_ns_mount_line_and_shell_mount_with_environment', async () => {
    const ns = join(dir, 'ns');
    writeFileSync(ns, `mount '${byCert.addr}' /n/x\n`);
    const env = { GOBLIN_TLS_CA: certs.ca, GOBLIN_TLS_CERT: certs.client.cert, GOBLIN_TLS_KEY: certs.client.key };
    const r = await run(['--ns', ns], cc('gfs'), ['cat', '/n/x/f'], { env });
    assert.equal(r.stdout, 'over tls\n', r.stderr);
    const sh = await goblin(['sh', ...client(certs.client), '-c', `mount '${byCert.addr}' /n/x; cat /n/x/f`]);
    assert.equal(sh.stdout, 'over tls\n', sh.stderr);
  });

  const refusals: [string, () => string[], RegExp][] = [
    ['no client certificate', () => ['--tls-ca', certs.ca], /certificate required|ended the TLS session/],
    ['a certificate another CA signed', () => client(certs.stranger), /ended the TLS session|refused the client certificate/],
    ['an expired certificate', () => client(certs.expired), /ended the TLS session|refused the client certificate/],
    ['a key that is not the certificate\'s', () => client(certs.wrongKey), /key values mismatch/],
    ['a server certificate this client cannot verify', () => ['--tls-cert', certs.client.cert, '--tls-key', certs.client.key], /self-signed certificate|unable to verify/],
    ['no TLS options at all', () => [], /self-signed certificate|unable to verify/],
  ];
  for (const [what, flags, why] of refusals) {
    test(`tls_refused: ${what}`, async () => {
      const r = await goblin(['9p', ...flags(), 'cat', byCert.addr, '/f']);
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, why);
    });
  }

  test('tls_expired_certificate_is_refused_for_its_dates_only', () => {
    // the refusal above is the dates' doing: the right CA signed it
    const r = spawnSync('openssl', ['verify', '-CAfile', certs.ca, certs.expired.cert], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /certificate has expired/);
    const good = spawnSync('openssl', ['verify', '-CAfile', certs.ca, certs.client.cert], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stderr);
  });

  test('tls_raw_handshake_without_certificate_never_reaches_9p', async () => {
    const [, host, port] = byCert.addr.split('!');
    const got = await new Promise<string>(resolve => {
      const s = tls.connect({ host, port: Number(port), ca: readFileSync(certs.ca) }, () => {
        // a Tversion: size 19, type 100, NOTAG, msize 8192, "9P2000"
        s.write(Buffer.from('13000000' + '64' + 'ffff' + '00200000' + '0600' + Buffer.from('9P2000').toString('hex'), 'hex'));
      });
      let data = '';
      s.on('data', b => { data += b.toString('hex'); });
      s.on('error', () => {});
      s.on('close', () => resolve(data));
    });
    assert.equal(got, '', 'no 9P reply to a client without a certificate');
  });
});

describe('tls! with a pre-shared key', () => {
  test('tls_psk_right_key', async () => {
    assert.equal((await goblin(['9p', '--tls-psk', certs.psk, 'cat', pskAddr(), '/f'])).stdout, 'over tls\n');
    const r = await run(['--mount', `${pskAddr()}::/n/x`], cc('gfs'), ['cat', '/n/x/f'], { env: { GOBLIN_TLS_PSK: certs.psk } });
    assert.equal(r.stdout, 'over tls\n', r.stderr);
  });

  test('tls_psk_wrong_key_or_none_refused', async () => {
    for (const flags of [['--tls-psk', certs.otherPsk], [], client(certs.client)]) {
      const r = await goblin(['9p', ...flags, 'cat', pskAddr(), '/f']);
      assert.notEqual(r.code, 0, flags.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /TLS: /);
    }
  });

  test('tls_listen_needs_a_certificate_or_key', async () => {
    const r = await goblin(['export', '--dir', `${dir}::/`, '--listen', 'tls!127.0.0.1!0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /TLS needs --tls-cert FILE and --tls-key FILE, or --tls-psk FILE/);
    const half = await goblin(['export', '--dir', `${dir}::/`, '--listen', 'tls!127.0.0.1!0', '--tls-cert', certs.server.cert, '--tls-psk', certs.psk]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key go together/);
  });
});

// Real certificates for TLS tests, made in a temp dir: keys from node:crypto,
// X.509 from Debian's openssl (req -x509 for the CAs, x509 -req to sign, and
// `openssl ca` with -startdate/-enddate for a certificate that expired long ago).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certs {
  dir: string;
  /** the CA that signs the server and the good client */
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** signed by another CA, with a key of its own */
  stranger: { cert: string; key: string };
  /** signed by the right CA, valid from 2020 to 2021 */
  expired: { cert: string; key: string };
  /** the good client's certificate with the stranger's key */
  wrongKey: { cert: string; key: string };
  /** a pre-shared key, and another (mode 600) */
  psk: string;
  otherPsk: string;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function key(dir: string, name: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const p = join(dir, `${name}.key`);
  writeFileSync(p, privateKey, { mode: 0o600 });
  return p;
}

function ca(dir: string, name: string): { cert: string; key: string } {
  const k = key(dir, name);
  const cert = join(dir, `${name}.crt`);
  openssl(dir, ['req', '-x509', '-new', '-key', k, '-subj', `/CN=${name}`, '-days', '30', '-out', cert]);
  return { cert, key: k };
}

function csr(dir: string, name: string, k: string): string {
  const p = join(dir, `${name}.csr`);
  openssl(dir, ['req', '-new', '-key', k, '-subj', `/CN=${name}`, '-out', p]);
  return p;
}

let serial = 1;
function sign(dir: string, name: string, by: { cert: string; key: string }, k: string, ext?: string): string {
  const cert = join(dir, `${name}.crt`);
  const args = ['x509', '-req', '-in', csr(dir, name, k), '-CA', by.cert, '-CAkey', by.key, '-set_serial', String(serial++), '-days', '30', '-out', cert];
  if (ext) {
    const f = join(dir, `${name}.ext`);
    writeFileSync(f, `${ext}\n`);
    args.push('-extfile', f);
  }
  openssl(dir, args);
  return cert;
}

function signExpired(dir: string, name: string, by: { cert: string; key: string }, k: string): string {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = d', '[d]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256',
    'policy = p', 'unique_subject = no', '[p]', 'commonName = supplied', '',
  ].join('\n'));
  const cert = join(dir, `${name}.crt`);
  openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', by.cert, '-keyfile', by.key, '-in', csr(dir, name, k), '-out', cert,
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext']);
  return cert;
}

function pskFile(dir: string, name: string): string {
  const p = join(dir, name);
  writeFileSync(p, `${randomBytes(32).toString('hex')}\n`);
  chmodSync(p, 0o600);
  return p;
}

export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-certs-'));
  const root = ca(dir, 'goblin-test-ca');
  const other = ca(dir, 'other-ca');
  const sk = key(dir, 'server');
  const server = { cert: sign(dir, 'server', root, sk, 'subjectAltName=IP:127.0.0.1,DNS:localhost'), key: sk };
  const ck = key(dir, 'client');
  const client = { cert: sign(dir, 'glenda', root, ck), key: ck };
  const xk = key(dir, 'stranger');
  const stranger = { cert: sign(dir, 'stranger', other, xk), key: xk };
  const ek = key(dir, 'expired');
  const expired = { cert: signExpired(dir, 'expired', root, ek), key: ek };
  return {
    dir, ca: root.cert, server, client, stranger, expired, wrongKey: { cert: client.cert, key: xk },
    psk: pskFile(dir, 'psk'), otherPsk: pskFile(dir, 'other-psk'),
  };
}

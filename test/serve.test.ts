// goblin serve, with real HTTP clients (node:http, raw sockets) against a real
// server on 127.0.0.1: the WAGI variables, bodies in and out, streaming, status,
// limits, the queue, keep-alive and pipelining, draining, and fresh VMs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Agent, request } from 'node:http';
import { cc } from './lib/cc.ts';
import { goblin } from './lib/run.ts';
import { fetchRaw, serve, type Served } from './lib/serve.ts';

const cgi = cc('cgi');
let s: Served;
before(async () => { s = await serve(['--threads', '2', '--route', `/api/...=${cgi}`, '--route', `/only=${cgi}`, '--env', 'FROM_FLAG=yes']); });
after(async () => { await s.stop(); });

const envOf = (body: Buffer) => new Map(body.toString().trim().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

test('every CGI variable reaches the handler', async () => {
  const r = await fetchRaw(`${s.url}/api/env?x=1&y=%20z`, { method: 'POST', body: 'abc', headers: { 'Content-Type': 'text/x-test', 'X-Custom-Thing': 'one', 'X_Sneaky': 'no' } });
  assert.equal(r.status, 200);
  const env = envOf(r.body);
  const want: Record<string, string> = {
    GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'POST', SCRIPT_NAME: '/api', PATH_INFO: '/env', QUERY_STRING: 'x=1&y=%20z',
    SERVER_NAME: '127.0.0.1', SERVER_PORT: String(s.port), SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: '127.0.0.1',
    CONTENT_TYPE: 'text/x-test', CONTENT_LENGTH: '3', HTTP_X_CUSTOM_THING: 'one', HTTP_HOST: `127.0.0.1:${s.port}`,
    X_FULL_URL: `http://127.0.0.1:${s.port}/api/env?x=1&y=%20z`, X_MATCHED_ROUTE: '/api/...', FROM_FLAG: 'yes',
  };
  for (const [k, v] of Object.entries(want)) assert.equal(env.get(k), v, k);
  // a header name with an underscore could pass for another: it is not passed on
  assert.ok(![...env.keys()].some(k => k.includes('SNEAKY')));
  assert.equal(env.has('HTTP_CONTENT_TYPE'), false);
});

test('an exact route is that path alone; the longest route wins; no route is 404', async () => {
  const only = await fetchRaw(`${s.url}/only`);
  // PATH_INFO is empty there, which the handler answers 400
  assert.equal(only.status, 400);
  assert.equal((await fetchRaw(`${s.url}/only/env`)).status, 404);
  assert.equal((await fetchRaw(`${s.url}/nothing`)).status, 404);
  const sub = await fetchRaw(`${s.url}/api/env`);
  assert.equal(envOf(sub.body).get('X_MATCHED_ROUTE'), '/api/...');
});

test('10 MiB in and 10 MiB out', async () => {
  const big = randomBytes(10 * 1024 * 1024);
  const echo = await fetchRaw(`${s.url}/api/echo`, { body: big });
  assert.equal(echo.status, 200);
  assert.equal(echo.headers['x-handler'], 'echo');
  assert.ok(echo.body.equals(big));
  const out = await fetchRaw(`${s.url}/api/big?${10 * 1024 * 1024}`);
  assert.equal(out.body.length, 10 * 1024 * 1024);
  assert.equal(out.body.subarray(0, 30).toString(), 'abcdefghijklmnopqrstuvwxyzabcd');
});

test('a short response is held and sent with its length', async () => {
  const r = await fetchRaw(`${s.url}/api/big?1000`);
  assert.equal(r.headers['content-length'], '1000');
  assert.equal(r.headers['transfer-encoding'], undefined);
});

test('past --stream-after the first bytes arrive before the handler ends', async () => {
  // the handler writes 200 KB, then reads the request body to its end: the body is
  // ended only once response bytes have arrived, so it can only finish if they stream
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${s.url}/api/stream?200000`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, agent: false }, res => {
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      let got = '';
      res.on('data', (c: Buffer) => { if (got === '') req.end('tail'); got += c.toString(); });
      res.on('end', () => resolve(got));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write('head');
  });
  assert.equal(text.length, 200000 + 'done 8\n'.length);
  assert.ok(text.endsWith('done 8\n'));
});

test('a handler that fails after streaming has its connection cut; before, a clean 500', async () => {
  await assert.rejects(fetchRaw(`${s.url}/api/failstream?300000`), /aborted|socket hang up|ECONNRESET|terminated/);
  const early = await fetchRaw(`${s.url}/api/failstream?100`);
  assert.equal(early.status, 500);
  assert.doesNotMatch(early.body.toString(), /abcdef/);
  const exit = await fetchRaw(`${s.url}/api/exit?3`);
  assert.equal(exit.status, 500);
  assert.doesNotMatch(exit.body.toString(), /partial/);
});

test('Status, Location and malformed output', async () => {
  const nf = await fetchRaw(`${s.url}/api/status`);
  assert.equal(nf.status, 404);
  assert.equal(nf.reason, 'Not Found');
  assert.equal(nf.body.toString(), 'nothing here\n');
  const re = await fetchRaw(`${s.url}/api/redirect`);
  assert.equal(re.status, 302);
  assert.equal(re.headers.location, 'http://example.org/elsewhere');
  const bad = await fetchRaw(`${s.url}/api/malformed`);
  assert.equal(bad.status, 502);
  assert.doesNotMatch(bad.body.toString(), /body/);
});

test('no state leaks from one request to the next', async () => {
  assert.equal((await fetchRaw(`${s.url}/api/leave`)).body.toString(), 'left\n');
  for (let i = 0; i < 4; i++) assert.equal((await fetchRaw(`${s.url}/api/look`)).body.toString(), 'tmp=0 env=0\n');
});

test('keep-alive reuses one connection; pipelined requests are answered in order', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set<number>();
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve, reject) => {
      request(`${s.url}/api/big?10`, { agent }, res => { ports.add(res.socket.localPort!); res.resume(); res.on('end', resolve); }).on('error', reject).end();
    });
  }
  agent.destroy();
  assert.equal(ports.size, 1);
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1');
    let got = '';
    sock.on('data', b => { got += b.toString(); if ((got.match(/HTTP\/1\.1 /g) ?? []).length === 3 && got.endsWith('Connection: close') === false && /abcdefghij$/.test(got) && got.split('abcdefghij').length === 4) sock.end(); });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
    sock.write('GET /api/big?10 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/status HTTP/1.1\r\nHost: x\r\n\r\nGET /api/big?10 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
  const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d+)/g)].map(m => m[1]);
  assert.deepEqual(statuses, ['200', '404', '200']);
});

test('a chunked request body is taken, and one over --max-body is 413', async () => {
  const small = await serve(['--threads', '1', '--max-body', '1K', cgi]);
  try {
    assert.equal((await fetchRaw(`${small.url}/echo`, { body: 'x'.repeat(2000) })).status, 413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${small.url}/echo`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, agent: false }, res => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('y'.repeat(500));
      req.end();
    });
    assert.equal(chunked, 413);
    const ok = await fetchRaw(`${small.url}/echo`, { body: 'z'.repeat(1000) });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), 'z'.repeat(1000));
  } finally { await small.stop(); }
});

test('each limit gives its status, and other requests go on', async () => {
  const lim = await serve(['--threads', '1', '--fuel', '50000000', '--max-memory', '4M', cgi]);
  const slow = await serve(['--threads', '1', '--timeout', '1s', cgi]);
  try {
    const [fuel, mem, fine] = await Promise.all([fetchRaw(`${lim.url}/spin`), fetchRaw(`${lim.url}/grow`), fetchRaw(`${lim.url}/big?5`)]);
    assert.equal(fuel.status, 500);
    assert.match(fuel.body.toString(), /fuel/);
    assert.equal(mem.status, 503);
    assert.equal(fine.status, 200);
    const [time, other] = await Promise.all([fetchRaw(`${slow.url}/spin`), fetchRaw(`${slow.url}/big?5`)]);
    assert.equal(time.status, 504);
    assert.equal(other.status, 200);
    assert.match(lim.log(), /GET \/spin 500 bytes=\d+ µs=\d+ fuel=\d+/);
  } finally { await lim.stop(); await slow.stop(); }
});

test('beyond --max-concurrent requests wait in the queue, and beyond the queue get 503', async () => {
  const q = await serve(['--threads', '2', '--max-concurrent', '1', '--queue', '1', cgi]);
  try {
    // the first request streams (so it is seen running) and waits for its body to end
    const first = streaming(`${q.url}/stream?100000`, 'x');
    await first.started;
    const second = fetchRaw(`${q.url}/big?3`), third = fetchRaw(`${q.url}/big?3`);
    // one of the two waits, the other finds the queue full
    const firstDone = await Promise.race([second.then(r => r.status), third.then(r => r.status)]);
    assert.equal(firstDone, 503);
    first.end();
    assert.match(await first.text, /done 1\n$/);
    const statuses = [(await second).status, (await third).status].sort();
    assert.deepEqual(statuses, [200, 503]);
  } finally { await q.stop(); }
});

test('SIGTERM stops accepting and drains the requests in flight', async () => {
  const d = await serve(['--threads', '1', cgi]);
  const inFlight = streaming(`${d.url}/stream?100000`, 'abc');
  await inFlight.started;
  d.proc.kill('SIGTERM');
  await d.waitLog(/draining/);
  await assert.rejects(fetchRaw(`${d.url}/big?1`), /ECONNREFUSED|ECONNRESET|socket hang up/);
  inFlight.end();
  assert.match(await inFlight.text, /done 3\n$/);
  assert.equal(await new Promise(r => d.proc.on('exit', r)), 0);
});

/** A POST whose chunked body stays open (the /stream handler waits for its end) until end(). */
function streaming(url: string, first: string): { started: Promise<void>; text: Promise<string>; end(): void } {
  let sawBytes!: () => void, end!: () => void;
  const started = new Promise<void>(r => { sawBytes = r; });
  const text = new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, agent: false }, res => {
      let got = '';
      res.on('data', (c: Buffer) => { if (got === '') sawBytes(); got += c; });
      res.on('end', () => resolve(got));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(first);
    end = () => req.end();
  });
  return { started, text, end: () => end() };
}

test('bad command lines get one clear line and exit 2', async () => {
  const noApp = await goblin(['serve']);
  assert.equal(noApp.code, 2);
  assert.match(noApp.stderr, /serve what\?/);
  const badListen = await goblin(['serve', '--listen', 'nowhere', cgi]);
  assert.equal(badListen.code, 2);
  assert.match(badListen.stderr, /--listen nowhere: expected HOST:PORT/);
  const badRoute = await goblin(['serve', '--route', 'api=x.wasm']);
  assert.equal(badRoute.code, 2);
  assert.match(badRoute.stderr, /a route starts with \//);
  const missing = await goblin(['serve', '/no/such.wasm']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});

test('an appliance is served on the routes of its manifest, each by the program it names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-serve-routes-'));
  const hello = cc(join(import.meta.dirname, '../bench/c/b_cgi_hello.c'));
  copyFileSync(cgi, join(dir, 'cgi.wasm'));
  copyFileSync(hello, join(dir, 'hello.wasm'));
  const manifest = (routes: unknown) => JSON.stringify({
    name: 'routed', version: '1', entry: '/app/cgi.wasm', files: { '/app/cgi.wasm': 'cgi.wasm', '/app/hello.wasm': 'hello.wasm' }, routes,
  });
  writeFileSync(join(dir, 'goblin.json'), manifest({ '/hello': '/app/hello.wasm', '/api/...': { entry: '/app/cgi.wasm', args: ['from-route'] } }));
  const app = join(dir, 'routed.gob');
  assert.equal((await goblin(['pack', dir, '-o', app])).code, 0);
  const routed = await serve([app]);
  try {
    const hi = await fetchRaw(`${routed.url}/hello`);
    assert.equal(hi.status, 200);
    assert.equal(hi.body.toString(), 'hello\n');
    const env = envOf((await fetchRaw(`${routed.url}/api/env`)).body);
    assert.equal(env.get('SCRIPT_NAME'), '/api');
    assert.equal(env.get('X_MATCHED_ROUTE'), '/api/...');
    assert.equal((await fetchRaw(`${routed.url}/api/args`)).body.toString(), 'cgi.wasm\nfrom-route\n');
    // only the manifest's routes are served
    assert.equal((await fetchRaw(`${routed.url}/`)).status, 404);
    assert.equal((await fetchRaw(`${routed.url}/hello/more`)).status, 404);
  } finally { await routed.stop(); }

  // a route to a program the image lacks is refused when the appliance is loaded
  writeFileSync(join(dir, 'goblin.json'), manifest({ '/x': '/app/missing.wasm' }));
  const bad = join(dir, 'bad.gob');
  const packed = await goblin(['pack', dir, '-o', bad]);
  const served = packed.code === 0 ? await goblin(['serve', '--listen', '127.0.0.1:0', bad]) : packed;
  assert.notEqual(served.code, 0);
  assert.match(served.stderr, /routes\.\/x: \/app\/missing\.wasm is not a file of the image/);
  // and a route the schema refuses names the field
  writeFileSync(join(dir, 'goblin.json'), manifest({ 'no-slash': '/app/cgi.wasm' }));
  const badName = await goblin(['pack', dir, '-o', bad]);
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /routes/);
  rmSync(dir, { recursive: true, force: true });
});

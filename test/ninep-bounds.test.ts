// Bounds and patience on both sides of 9P. The client: timeouts on dial,
// Tversion, Tattach and each request, Tflush for what it gives up on, wrong
// tags and wrong types as protocol errors that end the connection; goblin run
// --timeout covering its mounts and goblin 9p --timeout. The server: a cap on
// connections, an idle timeout, bytes in flight bounded with the transport
// paused, and a goblin export process under hostile clients giving its memory
// back. Fake servers are net servers written here that answer what a test
// says (or nothing); timings are checked only against generous bounds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { fail, type GoblinError } from '../src/error.ts';
import { Client, type Transport } from '../src/fs/remote/client.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File, FileServer, Stat } from '../src/fs/types.ts';
import { newDev } from '../src/fs/types.ts';
import { file, handle } from '../src/fs/defaults.ts';
import { serverTransport } from '../src/exportfs/loop.ts';
import { Server } from '../src/exportfs/server.ts';
import { decode, encode, Framer, type Msg, NOTAG } from '../src/ninep/index.ts';
import { mount9p, socketTransport } from '../src/node/dial.ts';
import { dial, listen } from '../src/node/transport.ts';
import { cc } from './lib/cc.ts';
import { startExport } from './lib/peers.ts';
import { goblin, run } from './lib/run.ts';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Waits (polling) until cond holds, or fails after ms. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

type Answer = (m: Msg, reply: (r: Msg) => void, sock: net.Socket) => void;

interface Fake { addr: string; seen: Msg[]; connections: number; closed: number; close(): Promise<void> }

/** A 9P server written for one test: it decodes each T-message and lets `answer` reply, or not. */
async function fakeServer(answer: Answer): Promise<Fake> {
  const fake: Fake = { addr: '', seen: [], connections: 0, closed: 0, close: async () => {} };
  const socks = new Set<net.Socket>();
  const srv = net.createServer(sock => {
    fake.connections++;
    socks.add(sock);
    sock.on('close', () => { fake.closed++; socks.delete(sock); });
    sock.on('error', () => {});
    const framer = new Framer(1 << 21);
    let dialect: '9P2000' | '9P2000.L' = '9P2000';
    sock.on('data', (b: Buffer) => framer.push(new Uint8Array(b), bytes => {
      const m = decode(bytes.slice(), dialect);
      if (!('kind' in m)) return;
      fake.seen.push(m);
      answer(m, r => {
        sock.write(encode(r, r.kind === 'Rversion' ? '9P2000' : dialect));
        if (r.kind === 'Rversion' && r.version === '9P2000.L') dialect = '9P2000.L';
      }, sock);
    }));
  });
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  fake.addr = `tcp!127.0.0.1!${(srv.address() as net.AddressInfo).port}`;
  fake.close = () => new Promise<void>(r => { for (const s of socks) s.destroy(); srv.close(() => r()); });
  return fake;
}

const rversion = (m: Msg): Msg => ({ kind: 'Rversion', tag: m.tag, msize: 8192, version: '9P2000.L' });
const rattach = (m: Msg, tag = m.tag): Msg => ({ kind: 'Rattach', tag, qid: { type: 0x80, version: 0, path: 1n } });

/** accepts and never says a word */
const silent: Answer = () => {};
/** answers Tversion, then nothing */
const versionOnly: Answer = (m, reply) => { if (m.kind === 'Tversion') reply(rversion(m)); };
/** answers Tversion, then Tattach with the wrong tag */
const wrongTags: Answer = (m, reply) => {
  if (m.kind === 'Tversion') reply(rversion(m));
  else if (m.kind === 'Tattach') reply(rattach(m, m.tag + 1));
};

const fakes: Fake[] = [];
async function fake(answer: Answer): Promise<Fake> {
  const f = await fakeServer(answer);
  fakes.push(f);
  return f;
}
after(async () => { await Promise.all(fakes.map(f => f.close())); });

async function connect(addr: string, opts: Parameters<typeof Client.connect>[1] = {}): Promise<Client> {
  return Client.connect(socketTransport(await dial(addr)), opts);
}

/** How long the promise took to settle, and its error. */
async function timed(p: Promise<unknown>): Promise<{ ms: number; err: GoblinError }> {
  const t0 = Date.now();
  try { await p; } catch (e) { return { ms: Date.now() - t0, err: e as GoblinError }; }
  return assert.fail('it did not fail');
}

describe('9p client: patience', () => {
  test('a server that accepts and never answers: Tversion times out, the connection is closed', async () => {
    const f = await fake(silent);
    const { ms, err } = await timed(connect(f.addr, { versionTimeout: 300 }));
    assert.equal(err.errno, 'ETIMEDOUT');
    assert.match(err.message, /no Rversion in 300 ms/);
    assert.ok(ms < 5000, `${ms} ms`);
    await until(() => f.closed === f.connections, 5000, 'the client hangs up');
    // and through mount9p, which names the address
    const m = await timed(mount9p(f.addr, { versionTimeout: 300 }));
    assert.equal(m.err.errno, 'ETIMEDOUT');
    assert.match(m.err.message, new RegExp(`^${f.addr}: 9P: no Rversion in 300 ms$`));
  });

  test('a dial that never connects times out; one given up on fails with the reason', async () => {
    // a listener that cannot accept (its process is stopped) and whose queue is full: the next SYN goes unanswered
    const child = spawn(process.execPath, ['-e', `const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = Number(await new Promise<string>(r => child.stdout!.once('data', (b: Buffer) => r(String(b)))));
      child.kill('SIGSTOP');
      const fillers: net.Socket[] = [];
      for (let i = 0; i < 8; i++) fillers.push(net.connect({ host: '127.0.0.1', port }).on('error', () => {}));
      await sleep(300);
      const { ms, err } = await timed(mount9p(`tcp!127.0.0.1!${port}`, { dialTimeout: 300 }));
      assert.equal(err.errno, 'ETIMEDOUT', err.message);
      assert.equal(err.message, `tcp!127.0.0.1!${port}: no connection in 300 ms`);
      assert.ok(ms < 5000, `${ms} ms`);
      const ac = new AbortController();
      const p = mount9p(`tcp!127.0.0.1!${port}`, { signal: ac.signal });
      setTimeout(() => ac.abort(fail('EINTR', 'given up')), 50);
      await assert.rejects(p, { errno: 'EINTR', message: `tcp!127.0.0.1!${port}: given up` });
      for (const f of fillers) f.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a server that answers Rversion and never Rattach: attach times out, and Tflush follows for its tag', async () => {
    let flushes = 0;
    const f = await fake((m, reply) => {
      if (m.kind === 'Tversion') reply(rversion(m));
      else if (m.kind === 'Tattach' && f.seen.filter(s => s.kind === 'Tattach').length > 1) reply(rattach(m));
      else if (m.kind === 'Tflush') { flushes++; reply({ kind: 'Rflush', tag: m.tag }); }
    });
    const lines: string[] = [];
    const c = await connect(f.addr, { attachTimeout: 300, trace: l => lines.push(l) });
    const { ms, err } = await timed(c.attach(''));
    assert.equal(err.errno, 'ETIMEDOUT');
    assert.match(err.message, /no reply to Tattach in 300 ms/);
    assert.ok(ms < 5000, `${ms} ms`);
    await until(() => flushes === 1, 5000, 'Tflush reaches the server');
    const first = f.seen.find(m => m.kind === 'Tattach')!;
    const flush = f.seen.find(m => m.kind === 'Tflush')!;
    assert.equal(flush.kind === 'Tflush' && flush.oldtag, first.tag);
    await until(() => c.inFlight === 0, 5000, 'Rflush settles it');
    // the connection is still good; the flushed attach's fid and tag are free again
    const fs = await c.attach('');
    assert.ok(fs.root());
    const second = f.seen.filter(m => m.kind === 'Tattach')[1]!;
    assert.equal(second.kind === 'Tattach' && second.fid, first.kind === 'Tattach' && first.fid);
    assert.ok(lines.some(l => /^Tflush tag \d+ oldtag \d+$/.test(l)), lines.join('\n'));
    c.close();
  });

  test('a Tflush that is never answered ends the connection', async () => {
    const f = await fake(versionOnly);
    const c = await connect(f.addr, { attachTimeout: 200, timeout: 300 });
    await assert.rejects(c.attach(''), { errno: 'ETIMEDOUT' });
    await until(() => c.lostError !== null, 5000, 'the connection is given up');
    assert.equal(c.lostError!.errno, 'ETIMEDOUT');
    assert.match(c.lostError!.message, /no Rflush for Tattach/);
    await until(() => f.closed === f.connections, 5000, 'the socket is closed');
  });

  test('wrong tags and wrong types are protocol errors that end the connection', async () => {
    const f = await fake(wrongTags);
    const c = await connect(f.addr);
    const { err } = await timed(c.attach(''));
    assert.equal(err.errno, 'EPROTO');
    assert.match(err.message, /^9P: protocol error: Rattach with tag 1, which no request in flight has$/);
    assert.equal(c.lostError?.errno, 'EPROTO');
    await assert.rejects(c.rpc({ kind: 'Tclunk', fid: 0 }), { errno: 'EPROTO' });
    await until(() => f.closed === f.connections, 5000, 'the socket is closed');

    // the right tag but the wrong type
    const g = await fake((m, reply) => {
      if (m.kind === 'Tversion') reply(rversion(m));
      else reply({ kind: 'Rclunk', tag: m.tag });
    });
    const c2 = await connect(g.addr);
    await assert.rejects(c2.attach(''), { errno: 'EPROTO', message: /Rclunk answered Tattach/ });

    // Rversion with a tag other than NOTAG
    const h = await fake((m, reply) => { if (m.kind === 'Tversion') reply({ ...rversion(m), tag: 7 }); });
    await assert.rejects(connect(h.addr), { errno: 'EPROTO', message: /Rversion with tag 7/ });

    // an error in answer to Tflush
    const k = await fake((m, reply) => {
      if (m.kind === 'Tversion') reply(rversion(m));
      else if (m.kind === 'Tflush') reply({ kind: 'Rlerror', tag: m.tag, ecode: 5 });
    });
    const c4 = await connect(k.addr, { attachTimeout: 200 });
    await assert.rejects(c4.attach(''), { errno: 'ETIMEDOUT' });
    await until(() => c4.lostError !== null, 5000, 'the connection ends');
    assert.match(c4.lostError!.message, /Rlerror answered Tflush/);
  });

  test('a reply that comes before the Rflush stands: the fid a flushed walk made is clunked', async () => {
    const replies: ((r: Msg) => void)[] = [];
    const t = scripted((m, reply) => {
      if (m.kind === 'Tversion') reply(rversion(m));
      else if (m.kind === 'Tattach') reply(rattach(m));
      else if (m.kind === 'Twalk') replies.push(() => reply({ kind: 'Rwalk', tag: m.tag, wqid: [{ type: 0, version: 0, path: 2n }] }));
      else if (m.kind === 'Tflush') { replies.shift()!(m); reply({ kind: 'Rflush', tag: m.tag }); } // the walk's reply, then Rflush
      else if (m.kind === 'Tclunk') reply({ kind: 'Rclunk', tag: m.tag });
    });
    const c = await Client.connect(t.transport);
    await c.attach('');
    const newfid = c.newFid();
    await assert.rejects(c.rpc({ kind: 'Twalk', fid: 0, newfid, wname: ['a'] }, { timeout: 100 }), { errno: 'ETIMEDOUT' });
    c.freeFid(newfid); // what a caller does with a walk that failed: the client holds on to it until the server has settled it
    assert.notEqual(c.newFid(), newfid, 'a fid in doubt is not handed out');
    await until(() => t.seen.some(m => m.kind === 'Tclunk' && m.fid === newfid), 5000, 'the walked fid is clunked');
    await until(() => c.inFlight === 0, 5000, 'all settled');
    const kinds = t.seen.map(m => m.kind);
    assert.deepEqual(kinds.slice(kinds.indexOf('Twalk')), ['Twalk', 'Tflush', 'Tclunk']);
    c.close();
  });

  test('a request that times out or is cancelled fails at once, is flushed, and the connection goes on', async () => {
    const lines: string[] = [];
    const server = new Server({ exports: { '': slowFs() }, trace: l => lines.push(l) });
    const c = await Client.connect(serverTransport(server), { timeout: 200 });
    const fs = await c.attach('');
    const f = await fs.root().walk!('slow');
    const h = await f.open({ read: true, write: false });
    const r = await timed(Promise.resolve(h.read(new Uint8Array(10), 0))); // the client's timeout
    assert.equal(r.err.errno, 'ETIMEDOUT');
    assert.match(r.err.message, /^9P: no reply to Tread in 200 ms$/);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
    // cancelled, through rpc on a fid of our own (the root's is the attach's, 0)
    const fid = c.newFid();
    await c.rpc({ kind: 'Twalk', fid: 0, newfid: fid, wname: ['slow'] });
    await c.rpc({ kind: 'Tlopen', fid, flags: 0 });
    const ac = new AbortController();
    const p = c.rpc({ kind: 'Tread', fid, offset: 0n, count: 10 }, { signal: ac.signal, timeout: 0 });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, { errno: 'EINTR', message: /^9P: Tread cancelled$/ });
    await until(() => c.inFlight === 0, 5000, 'the flushes are answered');
    assert.equal(lines.filter(l => l.startsWith('Tflush')).length, 2, lines.join('\n'));
    assert.equal(lines.filter(l => l.startsWith('Rflush')).length, 2, lines.join('\n'));
    assert.equal((await f.stat()).size, 5); // the connection goes on
    c.close();
  });
});

describe('goblin run --timeout and goblin 9p --timeout cover the mount', () => {
  const oneLine = (s: string) => assert.equal(s.trim().split('\n').length, 1, s);

  for (const [what, answer] of [['accepts and never answers', silent], ['answers Rversion, never Rattach', versionOnly]] as const) {
    test(`goblin run --timeout 1s --mount to a server that ${what}: exit 124 within 5 s, one line`, async () => {
      const f = await fake(answer);
      const t0 = Date.now();
      const r = await run(['--timeout', '1s', '--mount', `${f.addr}::/n/x`], cc('gfs'), ['ls', '/n/x'], { timeoutMs: 20_000 });
      const ms = Date.now() - t0;
      assert.equal(r.code, 124, r.stderr);
      assert.match(r.stderr, new RegExp(`^goblin: mount ${f.addr}: timed out after 1000 ms\\n$`));
      oneLine(r.stderr);
      assert.ok(ms < 5000, `${ms} ms`);
    });
  }

  test('goblin run --timeout with a mount that answers: the VM runs, and its time counts from the start', async () => {
    const server = new Server({ exports: { '': new RamFs() } });
    const l = await listen(server, 'tcp!127.0.0.1!0');
    try {
      const ok = await run(['--timeout', '10s', '--mount', `${l.addr}::/n/r`], cc('gfs'), ['write', '/n/r/f', 'hi', 'cat', '/n/r/f']);
      assert.equal(ok.stdout, 'hi', ok.stderr);
      assert.equal(ok.code, 0);
      const spin = await run(['--timeout', '500ms', '--mount', `${l.addr}::/n/r`], cc('k_spin'), []);
      assert.equal(spin.code, 124, spin.stderr);
      assert.equal(spin.stderr, 'goblin: ' + cc('k_spin') + ': timed out after 500 ms\n');
    } finally {
      await l.close();
    }
  });

  for (const [what, answer, why] of [
    ['accepts and never answers', silent, /no Rversion in 1 s/],
    ['answers Rversion, never Rattach', versionOnly, /no reply to Tattach in 1 s/],
    ['answers with wrong tags', wrongTags, /protocol error: Rattach with tag 1/],
  ] as const) {
    test(`goblin 9p --timeout 1s against a server that ${what}: exit 1 within 5 s, one line`, async () => {
      const f = await fake(answer);
      const t0 = Date.now();
      const r = await goblin(['9p', '--timeout', '1s', 'ls', f.addr, '/'], { timeoutMs: 20_000 });
      const ms = Date.now() - t0;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^goblin: 9p: /);
      assert.match(r.stderr, why);
      oneLine(r.stderr);
      assert.ok(ms < 5000, `${ms} ms`);
    });
  }

  test('goblin 9p --timeout is a duration', async () => {
    const r = await goblin(['9p', '--timeout', 'soon', 'ls', 'tcp!127.0.0.1!1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timeout .*not a duration: soon/);
  });
});

describe('9p server: bounds', () => {
  test('past maxConnections a connection is told so and hung up; a place that frees up is taken again', async () => {
    const server = new Server({ exports: { '': new RamFs() }, maxConnections: 2 });
    const a = await Client.connect(serverTransport(server));
    const b = await Client.connect(serverTransport(server));
    await assert.rejects(Client.connect(serverTransport(server)), { message: /too many connections \(at most 2\)/ });
    assert.equal(server.sessions.size, 2);
    a.close();
    await until(() => server.sessions.size === 1, 5000, 'the session ends');
    const c = await Client.connect(serverTransport(server));
    await c.attach('');
    b.close();
    c.close();
  });

  test('an idle connection is closed: one silent, one mid-message; one holding fids is kept', async () => {
    const server = new Server({ exports: { '': new RamFs() }, idleTimeout: 300 });
    const l = await listen(server, 'tcp!127.0.0.1!0');
    try {
      const quiet = await dial(l.addr);
      const partial = await dial(l.addr);
      partial.write(Uint8Array.of(0, 0, 1, 0, 118, 0, 0)); // the start of a 64 KiB Twrite
      const versioned = await dial(l.addr);
      versioned.write(encode({ kind: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000.L' }, '9P2000'));
      const gone = new Set<net.Socket>();
      for (const s of [quiet, partial, versioned]) s.on('close', () => gone.add(s)).on('error', () => {}).resume();
      const mounted = await connect(l.addr);
      const fs = await mounted.attach('');
      await until(() => gone.size === 3, 5000, 'the three idle connections are closed');
      await sleep(600); // twice the idle timeout, and more
      assert.equal(mounted.lostError, null);
      assert.equal((await fs.root().stat()).type, 'dir');
      mounted.close();
    } finally {
      await l.close();
    }
  });

  for (const over of ['in process', 'over tcp'] as const) {
    test(`bytes in flight are bounded ${over}: requests wait, the transport pauses, and every one finishes`, async () => {
      const msize = 8192 + 24, maxBuffered = 256 << 10;
      const gate = gatedFs();
      const server = new Server({ exports: { '': gate.fs }, msize, maxBuffered });
      let t: Transport, closeL = async () => {};
      if (over === 'in process') t = serverTransport(server);
      else {
        const l = await listen(server, 'tcp!127.0.0.1!0');
        closeL = () => l.close();
        t = socketTransport(await dial(l.addr));
      }
      try {
        const c = await Client.connect(t, { msize, maxRequests: 64 });
        const fs = await c.attach('');
        const f = await fs.root().walk!('f');
        const h = await f.open({ read: false, write: true });
        const data = new Uint8Array(64 * 8192).map((_, i) => i * 7);
        const writing = h.write(data, 0); // 64 Twrites in flight at once
        const session = [...server.sessions][0]!;
        await until(() => gate.waiting > 0, 5000, 'writes reach the file server');
        await sleep(200);
        let most = 0;
        for (let i = 0; i < 10; i++) { most = Math.max(most, session.buffered); await sleep(10); }
        const each = 8192 + 23; // a Twrite's bytes
        assert.equal(gate.waiting, Math.floor(maxBuffered / each), 'writes let through to the file server');
        assert.ok(most <= maxBuffered + msize + (64 << 10), `${most} bytes held`);
        assert.equal(c.lostError, null);
        gate.open();
        assert.equal(await writing, data.length);
        assert.deepEqual(gate.data.subarray(0, data.length), data);
        h.close();
        c.close();
      } finally {
        await closeL();
      }
    });
  }
});

describe('goblin export under hostile clients', () => {
  test('200 connections each sending the start of a 1 MiB Twrite: the cap turns 100 away, the idle timeout closes the rest, memory comes back', async () => {
    const ex = await startExport(['--dir', `${process.cwd()}::/:ro`, '--listen', 'tcp!127.0.0.1!0', '--max-connections', '100', '--idle-timeout', '5s']);
    try {
      const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${ex.proc.pid}/status`, 'utf8'))![1]) / 1024;
      await sleep(500);
      const base = rss();
      const port = Number(ex.addr.split('!')[2]);
      // a Twrite header announcing 1 MiB of data, then 1 KiB of it, then nothing
      const SIZE = 1 << 20;
      const start = new Uint8Array(23 + 1024);
      const v = new DataView(start.buffer);
      v.setUint32(0, SIZE + 23, true); start[4] = 118; v.setUint16(5, 1, true); v.setUint32(19, SIZE, true);
      let closed = 0, refused = 0;
      const socks: net.Socket[] = [];
      for (let i = 0; i < 200; i++) {
        const s = net.connect({ host: '127.0.0.1', port });
        s.on('data', (b: Buffer) => { if (b.includes('too many connections')) refused++; });
        s.on('error', () => {});
        s.on('close', () => closed++);
        s.once('connect', () => s.write(start));
        socks.push(s);
      }
      await until(() => closed >= 100, 10_000, 'the connections past the cap are closed');
      let peak = rss();
      await until(() => { peak = Math.max(peak, rss()); return closed === 200; }, 20_000, 'the idle connections are closed');
      assert.equal(refused, 100, 'exactly the connections past the cap are told so');
      for (const s of socks) s.destroy();
      let now = rss();
      await until(() => (now = rss()) < base + 30, 10_000, `RSS back near ${base.toFixed(0)} MB (${now.toFixed(0)} MB)`);
      process.stderr.write(`# goblin export RSS: ${base.toFixed(1)} MB before, ${peak.toFixed(1)} MB at peak, ${now.toFixed(1)} MB after\n`);
      // and it still serves
      const c = await connect(ex.addr);
      assert.equal((await (await c.attach('')).root().stat()).type, 'dir');
      c.close();
    } finally {
      await ex.stop();
    }
  });
});

// ---- helpers

/** A transport to an in-test server: `answer` sees each request (all are kept in `seen`). */
function scripted(answer: (m: Msg, reply: (r: Msg) => void) => void): { transport: Transport; seen: Msg[] } {
  let data: (b: Uint8Array) => void = () => {};
  let closed: () => void = () => {};
  let dialect: '9P2000' | '9P2000.L' = '9P2000';
  const framer = new Framer(1 << 20);
  const seen: Msg[] = [];
  const transport: Transport = {
    send(bytes) {
      framer.push(bytes, b => {
        const m = decode(b.slice(), dialect);
        if (!('kind' in m)) throw m;
        seen.push(m);
        answer(m, r => {
          const out = encode(r, r.kind === 'Rversion' ? '9P2000' : dialect);
          if (r.kind === 'Rversion') dialect = '9P2000.L';
          queueMicrotask(() => data(out));
        });
      });
    },
    receive(d, c) { data = d; closed = c; },
    close() { queueMicrotask(() => closed()); },
  };
  return { transport, seen };
}

/** A root directory holding one file, `name`. */
function tree(name: string, parts: Pick<File, 'stat' | 'open'>): FileServer {
  const dev = newDev();
  const f: File = file({ qid: { dev, path: 2, type: 'file' }, ...parts });
  const st: Stat = { type: 'dir', dev, ino: 1, mode: 0o755, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n };
  const root: File = file({
    qid: { dev, path: 1, type: 'dir' },
    stat: () => st,
    open: () => handle({ seekable: true, read: () => 0, write: () => 0, readdir: () => [{ name, type: 'file' as const, ino: 2 }] }),
    walk: (n: string) => { if (n !== name) throw fail('ENOENT'); return f; },
  });
  return { dev, name: 'test', root: () => root };
}

const fileStat = (size: number): Stat => ({ type: 'file', dev: 0, ino: 2, mode: 0o644, nlink: 1, size, atime: 0n, mtime: 0n, ctime: 0n });

/** One file, reachable as `slow`, whose reads never answer. */
function slowFs(): FileServer {
  return tree('slow', {
    stat: () => fileStat(5),
    open: () => handle({ seekable: true, read: () => new Promise<number>(() => {}), write: () => { throw fail('EBADF'); } }),
  });
}

/** One file, `f`, whose writes wait until open() is called. */
function gatedFs(): { fs: FileServer; data: Uint8Array; readonly waiting: number; open(): void } {
  const data = new Uint8Array(1 << 20);
  let opened = false;
  const waiters: (() => void)[] = [];
  const g = {
    data,
    get waiting() { return waiters.length; },
    open() { opened = true; for (const w of waiters.splice(0)) w(); },
    fs: tree('f', {
      stat: () => fileStat(0),
      open: () => handle({
        seekable: true, read: () => 0,
        write: async (b: Uint8Array, off: number) => {
          if (!opened) await new Promise<void>(r => waiters.push(r));
          data.set(b, off);
          return b.length;
        },
      }),
    }),
  };
  return g;
}

// 9P over WebSocket: an export reached at ws://HOST:PORT/PATH answers a client's session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { RamFs } from '../src/fs/ram.ts';
import { decode, DecodeError, encode, Framer, type Msg } from '../src/ninep/index.ts';
import { Server } from '../src/exportfs/server.ts';
import { listen } from '../src/node/transport.ts';

test('a 9P2000.L session over WebSocket: version, attach, walk, read', async () => {
  const ram = new RamFs();
  const f = ram.root().create('hello', 'file', 0o644, true) as import('../src/fs/types.ts').File;
  (f.open({ read: false, write: true }) as import('../src/fs/types.ts').Handle).write(new TextEncoder().encode('over the web'), 0);
  const l = await listen(new Server({ exports: { '': ram } }), 'ws://127.0.0.1:0/9p');
  assert.match(l.addr, /^ws:\/\/127\.0\.0\.1:\d+\/9p$/);
  const ws = new WebSocket(l.addr);
  ws.binaryType = 'nodebuffer';
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const replies: Msg[] = [];
  const framer = new Framer(1 << 20);
  let wake: (() => void) | null = null;
  ws.on('message', (b: Buffer) => {
    framer.push(new Uint8Array(b), m => { const d = decode(m.slice(), '9P2000.L'); if (!(d instanceof DecodeError)) replies.push(d); });
    wake?.();
  });
  const rpc = async (m: Msg): Promise<Msg> => {
    ws.send(encode(m, '9P2000.L'));
    while (!replies.length) await new Promise<void>(r => { wake = r; });
    return replies.shift()!;
  };
  try {
    const v = await rpc({ kind: 'Tversion', tag: 0xffff, msize: 65536, version: '9P2000.L' } as Msg);
    assert.equal((v as { version: string }).version, '9P2000.L');
    assert.equal((await rpc({ kind: 'Tattach', tag: 1, fid: 0, afid: 0xffffffff, uname: 'glenda', aname: '', n_uname: 0 } as Msg)).kind, 'Rattach');
    assert.equal((await rpc({ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['hello'] } as Msg)).kind, 'Rwalk');
    assert.equal((await rpc({ kind: 'Tlopen', tag: 1, fid: 1, flags: 0 } as Msg)).kind, 'Rlopen');
    const r = await rpc({ kind: 'Tread', tag: 1, fid: 1, offset: 0n, count: 100 } as Msg) as { kind: string; data: Uint8Array };
    assert.equal(r.kind, 'Rread');
    assert.equal(new TextDecoder().decode(r.data), 'over the web');
    // a text frame is not 9P: the server hangs up
    const closed = new Promise(resolve => ws.once('close', resolve));
    ws.send('hello');
    assert.equal(await closed, 1003);
  } finally {
    ws.terminate();
    await l.close();
  }
});

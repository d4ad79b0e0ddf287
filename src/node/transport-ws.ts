// 9P over WebSocket: ws://HOST:PORT/PATH. Each binary message carries bytes of the
// 9P stream; the session frames them as it does a socket's. A browser tab can mount
// an export this way.
//
// A browser lets any page open a WebSocket to any address, loopback included,
// and says which page asked in the Origin header. So a request that carries an
// Origin is refused (403) unless that origin is allowed (--ws-origin, none by
// default); one without is not a browser's, and meets the same rules as a tcp
// client (the 9P server's authentication, if the export has one).
import type { WebSocket } from 'ws';
import type { Server, Session } from '../exportfs/server.ts';

/** bytes queued for a peer before we stop reading from it */
const HIGH_WATER = 4 << 20;

export interface WsAddress { net: 'ws'; host: string; port: number; path: string }

export function parseWs(addr: string): WsAddress | null {
  const m = /^ws:\/\/(\[[^\]]+\]|[^/:]+):(\d+)(\/.*)?$/.exec(addr);
  if (!m) return null;
  return { net: 'ws', host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), path: m[3] ?? '/' };
}

export function formatWs(a: WsAddress): string {
  return `ws://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}${a.path}`;
}

/** Serves one WebSocket connection; the session ends when it closes. */
export function serveWebSocket(server: Server, ws: WebSocket): Session {
  // reading stops while our replies pile up (paused) or the session holds its bytes (held)
  let paused = false, held = false, reading = true;
  const flow = () => {
    const want = !paused && !held;
    if (want === reading || ws.readyState !== ws.OPEN) return;
    reading = want;
    if (want) ws.resume(); else ws.pause();
  };
  const session: Session = server.connect({
    send(bytes) {
      if (ws.readyState !== ws.OPEN) return true;
      ws.send(bytes);
      if (ws.bufferedAmount < HIGH_WATER) return true;
      if (!paused) { paused = true; flow(); drainLater(); }
      return false;
    },
    close() { ws.close(); },
    pause(stop) { held = stop; flow(); },
  });
  // ws has no drain event: look again until the queue has gone down
  function drainLater(): void {
    setTimeout(() => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount >= HIGH_WATER) return drainLater();
      const more = session.resume();
      if (more) { paused = false; flow(); } else drainLater();
    }, 1);
  }
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) { ws.close(1003, '9P needs binary messages'); return; }
    const chunks = Array.isArray(data) ? data : [data];
    for (const c of chunks) session.receive(c instanceof ArrayBuffer ? new Uint8Array(c) : new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  });
  ws.on('error', () => {});
  ws.on('close', () => session.close());
  return session;
}

/** Whether a WebSocket upgrade with this Origin header (undefined: none) may go on. */
export const originAllowed = (origin: string | undefined, allowed: readonly string[]): boolean =>
  origin === undefined || allowed.includes(origin);

/** Listens for WebSocket connections at ws://HOST:PORT/PATH. */
export async function listenWs(server: Server, a: WsAddress, opts: { origins?: readonly string[] } = {}): Promise<{ addr: string; close(): Promise<void> }> {
  const origins = opts.origins ?? [];
  // ws (and node:http with it) is loaded only by an export that listens on a ws:// address
  const { WebSocketServer } = await import('ws');
  return new Promise((resolve, reject) => {
    // one WebSocket message may hold several 9P messages, but no more than a session may hold waiting
    const maxPayload = server.maxBuffered - server.msize;
    const wss = new WebSocketServer({
      host: a.host === '*' ? undefined : a.host, port: a.port, path: a.path, maxPayload,
      verifyClient: (info, done) => {
        if (originAllowed(info.req.headers.origin, origins)) done(true);
        else done(false, 403, 'origin not allowed');
      },
    });
    wss.once('error', reject);
    wss.on('connection', ws => serveWebSocket(server, ws));
    wss.once('listening', () => {
      wss.off('error', reject);
      const bound = wss.address();
      const port = typeof bound === 'object' && bound ? bound.port : a.port;
      resolve({
        addr: formatWs({ ...a, port }),
        close: () => new Promise<void>(done => {
          for (const c of wss.clients) c.terminate();
          wss.close(() => done());
        }),
      });
    });
  });
}

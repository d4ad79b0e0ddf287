// One kernel thread of `goblin serve`: its own HTTP listener on the shared port
// (SO_REUSEPORT: the OS spreads connections over the threads, so no request
// crosses a thread), its own kernel, and a fresh VM per request.
import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { Kernel } from '../wasi/kernel.ts';
import { clientCredentials } from './auth-options.ts';
import { HostFs } from './hostfs.ts';
import { applianceHost } from './appliance.ts';
import { exchange, type Handler } from './serve/exchange.ts';
import { Gate } from './serve/gate.ts';
import { handlerFor } from './serve/handlers.ts';
import { match, type Route } from './serve/routes.ts';
import type { WorkerConfig, ToWorker, FromWorker } from './serve/config.ts';

const c = workerData as WorkerConfig;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

// the access log and handlers' stderr, a batch per turn of the event loop
let lines: string[] = [];
const log = (line: string) => {
  if (!c.accessLog && !line.includes(': ')) return;
  if (lines.length === 0) setImmediate(flush);
  lines.push(line);
};
const flush = () => { process.stderr.write(`${lines.join('\n')}\n`); lines = []; };

async function main(): Promise<void> {
  const mounts = /^\s*mount\b/m.test(c.vm.ns)
    ? await (await import('./dial.ts')).dialMounts(c.vm.ns, { ...clientCredentials(c.auth), timeout: c.vm.limits.timeout })
    : undefined;
  const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), dial: mounts?.dial, ...applianceHost() });
  const routes: Route[] = c.routes;
  const handlers = new Map<Route, Handler>();
  for (const r of routes) handlers.set(r, await handlerFor(kernel, r, c.vm));
  const server = { ...c.server };
  const gate = new Gate(c.gate, c.maxConcurrent, c.queue);
  let draining = false;
  const inFlight = new Set<ServerResponse>();

  const http = createServer({ keepAliveTimeout: c.keepAlive, requestTimeout: 0 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = match(routes, path);
    if (!route) {
      const body = `404 Not Found: no route for ${path}\n`;
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
      log(`${req.method} ${req.url} 404 bytes=${Buffer.byteLength(body)} µs=0 fuel=-`);
      return;
    }
    if (draining) res.shouldKeepAlive = false;
    const go = () => {
      inFlight.add(res);
      exchange(req, res, route, handlers.get(route)!, { server, streamAfter: c.streamAfter, maxBody: c.maxBody, log })
        .catch(e => { log(`${req.method} ${req.url}: ${(e as Error).message}`); if (!res.headersSent) res.writeHead(500).end(); else res.destroy(); })
        .finally(() => {
          gate.leave();
          inFlight.delete(res);
          if (draining) setImmediate(() => http.closeIdleConnections());
        });
    };
    const entered = gate.enter();
    if (entered === true) go();
    else if (entered === false) {
      const body = '503 Service Unavailable: too many requests waiting\n';
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Retry-After': '1' }).end(body);
      log(`${req.method} ${req.url} 503 bytes=${Buffer.byteLength(body)} µs=0 fuel=-`);
    } else {
      // a request whose client left while it waited is still let through and ends at once
      entered.then(go);
    }
  });
  http.on('clientError', (_e, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'); else socket.destroy(); });

  port.on('message', (m: ToWorker) => {
    if (m.kind !== 'drain' || draining) return;
    draining = true;
    // stop accepting; idle keep-alive connections go now, busy ones when their response is out
    for (const res of inFlight) res.shouldKeepAlive = false;
    http.close(() => { if (lines.length) flush(); send({ kind: 'drained' }); });
    http.closeIdleConnections();
  });

  http.listen({ host: c.host, port: c.port, reusePort: true }, () => {
    const a = http.address();
    if (typeof a === 'object' && a) server.port = a.port;
    send({ kind: 'listening', port: server.port });
  });
  http.on('error', e => send({ kind: 'error', message: e.message }));
}

main().catch(e => send({ kind: 'error', message: (e as Error).message }));

// One request, one fresh VM: the request's meta-variables in its environment, its
// body on stdin (streamed, with backpressure, up to a limit), its stdout read
// back as the CGI response, its stderr into the server's log, and one access-log
// line when it is over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GoblinError } from '../../error.ts';
import { handle } from '../../fs/defaults.ts';
import type { Handle } from '../../fs/types.ts';
import { Pipe } from '../../kernel/pipe.ts';
import { nothing } from '../../kernel/stdio.ts';
import type { ExitStatus, Vm } from '../../kernel/vm.ts';
import { cgiEnv, type ServerInfo } from './cgi.ts';
import { CgiResponse } from './response.ts';
import type { Route } from './routes.ts';

/** What answers a route: a fresh VM per call, with the request's environment and stdio. */
export interface Handler {
  start(io: { env: Record<string, string>; stdin: Handle; stdout: Handle; stderr: Handle }): Vm;
}

export interface ExchangeOptions {
  server: ServerInfo;
  /** body bytes held before the response is streamed */
  streamAfter: number;
  /** the largest request body taken (413 beyond) */
  maxBody: number;
  /** a line for the server's log */
  log(line: string): void;
}

/** stderr a request may put in the log; the rest is dropped, and the log says so */
const STDERR_LIMIT = 64 * 1024;

/** The status a VM's end gives when it did not exit 0. */
export function failureStatus(st: ExitStatus): number {
  if (st.reason === 'timeout') return 504;
  if (st.reason === 'memory') return 503;
  return 500;
}

export async function exchange(req: IncomingMessage, res: ServerResponse, route: Route, handler: Handler, o: ExchangeOptions): Promise<void> {
  const t0 = performance.now();
  const what = `${req.method} ${req.url}`;
  let vm: Vm | null = null;
  let tooBig = false;
  const out = new CgiResponse(res, o.streamAfter, () => vm?.kill('killed', 'malformed output'));
  const body = requestBody(req, o.maxBody, () => { tooBig = true; vm?.kill('killed', 'request body too large'); });
  // a client that goes away takes its VM with it
  res.on('close', () => { if (!res.writableFinished) vm?.kill('killed', 'the client went away'); });
  let st: ExitStatus;
  try {
    vm = handler.start({ env: cgiEnv(req, route, o.server), stdin: body.stdin, stdout: out.stdout, stderr: stderrLog(what, o.log) });
    st = await vm.exit;
  } catch (e) {
    st = { code: 1, reason: 'link', message: (e as Error).message };
  }
  body.done();
  if (tooBig) out.fail(413, `the request body is larger than ${o.maxBody} bytes`);
  else if (out.malformed) out.fail(502, `the handler's output is not a CGI response: ${out.malformed.message}`);
  else if (st.code === 0 && st.reason === 'exit') out.finish();
  else {
    out.fail(failureStatus(st), st.message ?? `the handler exited with status ${st.code}`);
    if (st.message && st.reason !== 'exit') o.log(`${what}: ${st.message}`);
  }
  const fuel = vm?.fuelUsed();
  o.log(`${what} ${out.status} bytes=${out.bytes} µs=${Math.round((performance.now() - t0) * 1000)} fuel=${fuel ?? '-'}`);
}

/** The request's body as the VM's stdin: a pipe fed as the client sends, paused while it is full. */
function requestBody(req: IncomingMessage, max: number, tooBig: () => void): { stdin: Handle; done(): void } {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) { req.resume(); return { stdin: nothing(), done() {} }; }
  if (declared !== undefined && Number(declared) > max) { tooBig(); req.resume(); return { stdin: nothing(), done() {} }; }
  const pipe = new Pipe(64 * 1024);
  const stdin = pipe.reader(), writer = pipe.writer();
  let total = 0, open = true;
  const close = () => { if (open) { open = false; writer.close(); } };
  const push = async (chunk: Uint8Array): Promise<void> => {
    for (let at = 0; at < chunk.length && open;) at += await writer.write(chunk.subarray(at), 0);
  };
  req.on('data', (chunk: Buffer) => {
    if (!open) return;
    total += chunk.length;
    if (total > max) { close(); tooBig(); return; }
    const p = push(chunk);
    req.pause();
    // EPIPE: the VM stopped reading (it exited); the rest of the body is read and dropped
    p.then(() => req.resume(), () => { close(); req.resume(); });
  });
  req.on('end', close);
  req.on('error', close);
  return { stdin, done: () => { close(); req.resume(); } };
}

/** A VM's stderr as lines of the server's log, each saying which request wrote it. */
function stderrLog(what: string, log: (line: string) => void): Handle {
  let partial = '', total = 0;
  const decoder = new TextDecoder();
  return handle({
    seekable: false,
    read: () => { throw new GoblinError('EBADF'); },
    write: (src: Uint8Array) => {
      if (total > STDERR_LIMIT) return src.length;
      total += src.length;
      const lines = (partial + decoder.decode(src, { stream: true })).split('\n');
      partial = lines.pop()!;
      for (const l of lines) log(`${what}: ${l}`);
      if (total > STDERR_LIMIT) log(`${what}: (more than ${STDERR_LIMIT} bytes on stderr; the rest is dropped)`);
      return src.length;
    },
    close: () => { if (partial) log(`${what}: ${partial}`); partial = ''; },
  });
}

// The WAGI contract (CGI 1.1 for WASI commands): a request's meta-variables for
// the handler's environment, and the handler's output read back as CGI headers,
// a blank line and the body (RFC 3875 §6).
import type { IncomingMessage } from 'node:http';
import type { Route } from './routes.ts';

export interface ServerInfo { name: string; port: number; software: string }

/** The request as environment variables: RFC 3875 §4.1, WAGI's X_*, and HTTP_* for each header. */
export function cgiEnv(req: IncomingMessage, route: Route, server: ServerInfo): Record<string, string> {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const rawInfo = path.slice(route.script.length);
  const host = req.headers.host ?? `${server.name}:${server.port}`;
  const env: Record<string, string> = {
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_SOFTWARE: server.software,
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    SERVER_NAME: host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'),
    SERVER_PORT: String(server.port),
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: route.script,
    PATH_INFO: decodePath(rawInfo),
    PATH_TRANSLATED: decodePath(rawInfo),
    QUERY_STRING: q < 0 ? '' : raw.slice(q + 1),
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    REMOTE_HOST: req.socket.remoteAddress ?? '',
    AUTH_TYPE: '',
    REMOTE_USER: '',
    X_FULL_URL: `http://${host}${raw}`,
    X_MATCHED_ROUTE: route.pattern,
    X_RAW_PATH_INFO: rawInfo,
  };
  const type = req.headers['content-type'];
  if (type !== undefined) env.CONTENT_TYPE = type;
  const length = req.headers['content-length'];
  if (length !== undefined) env.CONTENT_LENGTH = length;
  const h = req.rawHeaders;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i]!.toLowerCase();
    // an underscore would let `X_Foo` pass for `X-Foo`; the body's headers have their own variables
    if (name.includes('_') || name === 'content-type' || name === 'content-length') continue;
    const key = `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;
    env[key] = env[key] === undefined ? h[i + 1]! : `${env[key]}, ${h[i + 1]}`;
  }
  return env;
}

function decodePath(p: string): string {
  try { return decodeURIComponent(p); } catch { return p; }
}

export interface CgiHead {
  status: number;
  reason?: string;
  /** header name and value pairs, in the order given (names as written) */
  headers: [string, string][];
}

/** The most header bytes a handler may print before its blank line. */
export const MAX_HEAD = 64 * 1024;

/** headers that belong to this hop or that the server computes */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'trailer', 'te', 'proxy-connection', 'status']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// a header value: visible characters, spaces and tabs (no CR, LF or other controls)
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export class MalformedOutput extends Error {}

/**
 * Reads the head of a CGI response from the handler's output as it arrives.
 * `feed` answers the bytes of the body that came with this chunk once the blank
 * line has been seen (and null until then); a malformed head throws MalformedOutput.
 */
export class CgiHeadParser {
  head: CgiHead | null = null;
  private pending = new Uint8Array(0);

  feed(chunk: Uint8Array): Uint8Array | null {
    if (this.head) return chunk;
    const buf = this.pending.length ? concat(this.pending, chunk) : chunk;
    const end = blankLine(buf);
    if (end === null) {
      if (buf.length > MAX_HEAD) throw new MalformedOutput(`more than ${MAX_HEAD} bytes of headers`);
      this.pending = buf.slice();
      return null;
    }
    this.head = parseHead(new TextDecoder('latin1').decode(buf.subarray(0, end.headEnd)));
    this.pending = new Uint8Array(0);
    return buf.subarray(end.bodyStart);
  }

  /** At the end of output: the head, or MalformedOutput if the blank line never came. */
  finish(): CgiHead {
    if (!this.head) throw new MalformedOutput(this.pending.length ? 'output ended inside the headers (no blank line)' : 'no output');
    return this.head;
  }
}

function blankLine(b: Uint8Array): { headEnd: number; bodyStart: number } | null {
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 10) continue;
    // "\n\n" or "\n\r\n" ends the head; a head may also be empty ("\n" or "\r\n" first)
    if (i === 0) return { headEnd: 0, bodyStart: 1 };
    if (i === 1 && b[0] === 13) return { headEnd: 0, bodyStart: 2 };
    if (b[i + 1] === 10) return { headEnd: i, bodyStart: i + 2 };
    if (b[i + 1] === 13 && b[i + 2] === 10) return { headEnd: i, bodyStart: i + 3 };
    if (b[i + 1] === undefined || (b[i + 1] === 13 && b[i + 2] === undefined)) return null;
  }
  return null;
}

function parseHead(text: string): CgiHead {
  const headers: [string, string][] = [];
  let status: number | undefined, reason: string | undefined;
  let location = false, type = false;
  for (const line of text.split('\n').map(l => l.replace(/\r$/, ''))) {
    if (line === '') throw new MalformedOutput('an empty header line');
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedOutput(`not a header: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon), value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name)) throw new MalformedOutput(`not a header name: ${JSON.stringify(name.slice(0, 80))}`);
    if (!VALUE.test(value)) throw new MalformedOutput(`header ${name}: a control character in its value`);
    const lower = name.toLowerCase();
    if (lower === 'status') {
      const m = /^([1-5]\d\d)(?:\s+(.*))?$/.exec(value);
      if (!m || Number(m[1]) < 200) throw new MalformedOutput(`Status: ${JSON.stringify(value.slice(0, 80))} (want a code from 200 to 599 and a reason)`);
      status = Number(m[1]);
      reason = m[2] || undefined;
      continue;
    }
    if (lower === 'location') location = true;
    if (lower === 'content-type') type = true;
    if (HOP.has(lower)) continue;
    headers.push([name, value]);
  }
  if (status === undefined && !location && !type) throw new MalformedOutput('no Content-Type, Location or Status header');
  return { status: status ?? (location ? 302 : 200), reason, headers };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

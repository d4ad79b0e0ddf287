// A handler's stdout as an HTTP response. Its CGI head is parsed as it comes;
// the body is held until the VM exits (then sent whole, with its length) or
// until it passes --stream-after bytes (then sent chunked as it is written, the
// VM waiting while the client is slow). A response that was held can still
// become an error status; one that is streaming can only be cut off, never
// ended as if it were whole.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { GoblinError } from '../../error.ts';
import { handle } from '../../fs/defaults.ts';
import type { Handle } from '../../fs/types.ts';
import { CgiHeadParser, MalformedOutput } from './cgi.ts';

export class CgiResponse {
  private readonly parser = new CgiHeadParser();
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private streaming = false;
  private ended = false;
  /** the handler's head was not CGI: the request ends 502 */
  malformed: MalformedOutput | null = null;
  /** body bytes sent */
  bytes = 0;
  status = 0;
  readonly stdout: Handle;
  private readonly res: ServerResponse;
  private readonly streamAfter: number;
  private readonly onMalformed: () => void;

  constructor(res: ServerResponse, streamAfter: number, onMalformed: () => void) {
    this.res = res;
    this.streamAfter = streamAfter;
    this.onMalformed = onMalformed;
    this.stdout = handle({
      seekable: false,
      read: () => { throw new GoblinError('EBADF'); },
      write: (src: Uint8Array) => this.write(src),
    });
  }

  get started(): boolean { return this.streaming || this.ended; }

  private write(src: Uint8Array): number | Promise<number> {
    if (this.malformed || this.ended || this.res.destroyed) throw new GoblinError('EPIPE');
    let body: Uint8Array | null;
    try { body = this.parser.feed(src); } catch (e) {
      if (!(e instanceof MalformedOutput)) throw e;
      this.malformed = e;
      this.onMalformed();
      throw new GoblinError('EPIPE');
    }
    if (body === null || body.length === 0) return src.length;
    if (!this.streaming) {
      this.held.push(body.slice());
      this.heldBytes += body.length;
      if (this.heldBytes > this.streamAfter) this.stream();
      return src.length;
    }
    this.bytes += body.length;
    // the VM's memory is reused by its next write: the socket gets a copy
    if (this.res.write(body.slice())) return src.length;
    return new Promise((resolve, reject) => {
      const drained = () => { this.res.off('close', closed); resolve(src.length); };
      const closed = () => { this.res.off('drain', drained); reject(new GoblinError('EPIPE')); };
      this.res.once('drain', drained);
      this.res.once('close', closed);
    });
  }

  private stream(): void {
    const head = this.parser.head!;
    this.streaming = true;
    this.status = head.status;
    this.res.writeHead(head.status, head.reason ?? STATUS_CODES[head.status] ?? '', head.headers.flat());
    for (const c of this.held) { this.bytes += c.length; this.res.write(c); }
    this.held = [];
  }

  /** The VM has ended well: the response, whole, or 502 if its head was not CGI. */
  finish(): void {
    if (this.ended) return;
    if (this.streaming) { this.ended = true; this.res.end(); return; }
    let head;
    try { head = this.parser.finish(); } catch (e) {
      if (!(e instanceof MalformedOutput)) throw e;
      this.malformed ??= e;
    }
    if (this.malformed || !head) return this.fail(502, `the handler's output is not a CGI response: ${this.malformed!.message}`);
    this.ended = true;
    this.status = head.status;
    const body = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    this.bytes = body.length;
    this.res.writeHead(head.status, head.reason ?? STATUS_CODES[head.status] ?? '', [...head.headers.flat(), 'Content-Length', String(body.length)]);
    this.res.end(body);
  }

  /** The request failed: an error status and a short body if nothing was sent, else the connection cut. */
  fail(status: number, why: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.streaming) { this.res.destroy(); return; }
    this.held = [];
    this.status = status;
    const body = `${status} ${STATUS_CODES[status] ?? ''}: ${why}\n`;
    this.bytes = Buffer.byteLength(body);
    if (this.res.headersSent || this.res.destroyed) { this.res.destroy(); return; }
    this.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': this.bytes });
    this.res.end(body);
  }
}

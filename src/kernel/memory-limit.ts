// --max-memory: lower the maximum of a module's memory (defined or imported) to the
// limit, so memory.grow beyond it fails inside the guest (malloc returns NULL)
// instead of growing the host. The module is otherwise copied byte for byte.
import { fail } from '../error.ts';

const PAGE = 65536;

export function limitMemory(wasm: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.floor(maxBytes / PAGE);
  const r = new Reader(wasm);
  if (r.u32le() !== 0x6d736100 || r.u32le() !== 1) throw fail('ENOEXEC', 'not a wasm module');
  const out: Uint8Array[] = [wasm.subarray(0, 8)];
  while (!r.end()) {
    const start = r.pos;
    const id = r.byte();
    const size = r.leb();
    const bodyStart = r.pos;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > wasm.length) throw fail('ENOEXEC', 'section runs past the end of the module');
    if (id === 5) out.push(section(5, memorySection(wasm.subarray(bodyStart, bodyEnd), maxPages)));
    else if (id === 2) out.push(section(2, importSection(wasm.subarray(bodyStart, bodyEnd), maxPages)));
    else out.push(wasm.subarray(start, bodyEnd));
    r.pos = bodyEnd;
  }
  return concat(out);
}

function memorySection(body: Uint8Array, maxPages: number): Uint8Array {
  const r = new Reader(body);
  const n = r.leb();
  const out: number[] = [...leb(n)];
  for (let i = 0; i < n; i++) out.push(...limits(r, maxPages));
  return new Uint8Array(out);
}

function importSection(body: Uint8Array, maxPages: number): Uint8Array {
  const r = new Reader(body);
  const n = r.leb();
  const parts: Uint8Array[] = [new Uint8Array(leb(n))];
  for (let i = 0; i < n; i++) {
    const from = r.pos;
    r.skip(r.leb()); // module
    r.skip(r.leb()); // name
    const kind = r.byte();
    if (kind === 2) {
      parts.push(body.subarray(from, r.pos), new Uint8Array(limits(r, maxPages)));
      continue;
    }
    if (kind === 0) r.leb();
    else if (kind === 1) { r.byte(); skipLimits(r); }
    else if (kind === 3) { r.byte(); r.byte(); }
    else if (kind === 4) r.leb();
    else throw fail('ENOEXEC', `unknown import kind ${kind}`);
    parts.push(body.subarray(from, r.pos));
  }
  return concat(parts);
}

function limits(r: Reader, maxPages: number): number[] {
  const flags = r.byte();
  if (flags & ~7) throw fail('ENOEXEC', 'unsupported memory limits');
  const min = r.leb();
  const max = flags & 1 ? r.leb() : Infinity;
  if (min > maxPages) throw fail('ENOMEM', `module needs ${min * PAGE} bytes of memory at start, over the limit of ${maxPages * PAGE}`);
  return [flags | 1, ...leb(min), ...leb(Math.min(max, maxPages))];
}

function skipLimits(r: Reader): void { const f = r.byte(); r.leb(); if (f & 1) r.leb(); }

function section(id: number, body: Uint8Array): Uint8Array {
  return concat([new Uint8Array([id, ...leb(body.length)]), body]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

class Reader {
  readonly b: Uint8Array;
  pos = 0;
  constructor(b: Uint8Array) { this.b = b; }
  end(): boolean { return this.pos >= this.b.length; }
  byte(): number {
    if (this.pos >= this.b.length) throw fail('ENOEXEC', 'truncated module');
    return this.b[this.pos++]!;
  }
  u32le(): number { let v = 0; for (let i = 0; i < 4; i++) v += this.byte() * 2 ** (8 * i); return v; }
  leb(): number {
    let v = 0, mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 128;
    }
    throw fail('ENOEXEC', 'bad LEB128 number');
  }
  skip(n: number): void {
    if (this.pos + n > this.b.length) throw fail('ENOEXEC', 'truncated module');
    this.pos += n;
  }
}

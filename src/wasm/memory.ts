// Rewrites of a module's linear memory, done once when a Program is compiled:
// - a limit (--max-memory): the memory's maximum is lowered, so memory.grow past it
//   fails inside the guest (malloc returns NULL) instead of growing the host;
// - importing it: a module's own memory becomes an import ("goblin" "memory"), so the
//   kernel can hand it a zeroed memory from a pool instead of making one per VM.
// Everything else is copied byte for byte.
import { fail } from '../error.ts';
import { malformed, Reader, Writer } from './bytes.ts';

const PAGE = 65536;
export const MEMORY_IMPORT = { module: 'goblin', name: 'memory' };

export interface MemoryShape { initial: number; maximum: number | undefined }

export interface MemoryRewrite {
  code: Uint8Array;
  /** the imported memory's shape, when the module's own memory was turned into an import */
  imported: MemoryShape | null;
}

interface Limits { flags: number; min: number; max: number | undefined }

function readLimits(r: Reader): Limits {
  const flags = r.byte();
  if (flags & ~7) throw malformed('memory limits', r.pos - 1);
  if (flags & 4) throw fail('ENOEXEC', '64-bit memories are not supported');
  const min = r.u32();
  return { flags, min, max: flags & 1 ? r.u32() : undefined };
}

function writeLimits(w: Writer, l: Limits): void {
  w.byte(l.max === undefined ? l.flags & ~1 : l.flags | 1).u32(l.min);
  if (l.max !== undefined) w.u32(l.max);
}

function limit(l: Limits, maxPages: number | undefined): Limits {
  if (maxPages === undefined) return l;
  if (l.min > maxPages) throw fail('ENOMEM', `the module needs ${l.min * PAGE} bytes of memory at start, over the limit of ${maxPages * PAGE}`);
  return { ...l, max: Math.min(l.max ?? Infinity, maxPages) };
}

export function rewriteMemory(wasm: Uint8Array, opts: { maxBytes?: number; importIt?: boolean }): MemoryRewrite {
  const maxPages = opts.maxBytes === undefined ? undefined : Math.floor(opts.maxBytes / PAGE);
  const r = new Reader(wasm);
  r.skip(8);
  // first pass: where the sections are, and whether the memory can become an import
  const sections: { id: number; body: Reader; start: number; end: number }[] = [];
  let importedMemories = 0, own: Limits | null = null, ownCount = 0;
  while (!r.done) {
    const start = r.pos;
    const id = r.byte();
    const body = r.sub(r.u32());
    sections.push({ id, body, start, end: r.pos });
    if (id === 2) importedMemories += memoryImports(new Reader(body.buf, body.pos, body.end));
    if (id === 5) {
      const b = new Reader(body.buf, body.pos, body.end);
      ownCount = b.u32();
      if (ownCount) own = readLimits(b);
    }
  }
  const importIt = !!opts.importIt && importedMemories === 0 && ownCount === 1 && !(own!.flags & 2);
  const shape = importIt ? limit(own!, maxPages) : null;
  const out = new Writer(wasm.length + 32).bytes(wasm.subarray(0, 8));
  let wroteImports = false;
  const importEntry = (w: Writer) => w.vec(new TextEncoder().encode(MEMORY_IMPORT.module)).vec(new TextEncoder().encode(MEMORY_IMPORT.name)).byte(2);
  for (const s of sections) {
    if (importIt && !wroteImports && s.id !== 0 && s.id !== 1 && s.id !== 2 && order(s.id) > order(2)) {
      const w = new Writer().u32(1);
      importEntry(w);
      writeLimits(w, shape!);
      section(out, 2, w.view());
      wroteImports = true;
    }
    if (s.id === 2) {
      const b = s.body, w = new Writer();
      const n = b.u32();
      w.u32(n + (importIt ? 1 : 0));
      for (let i = 0; i < n; i++) {
        const from = b.pos;
        b.vec(); b.vec();
        const kind = b.byte();
        if (kind === 2) { w.bytes(b.buf.subarray(from, b.pos)); writeLimits(w, limit(readLimits(b), maxPages)); continue; }
        skipImport(b, kind);
        w.bytes(b.buf.subarray(from, b.pos));
      }
      if (importIt) { importEntry(w); writeLimits(w, shape!); }
      section(out, 2, w.view());
      wroteImports = true;
    } else if (s.id === 5 && (importIt || maxPages !== undefined)) {
      if (importIt) continue; // the memory now comes in as an import
      const b = s.body, w = new Writer();
      const n = b.u32();
      w.u32(n);
      for (let i = 0; i < n; i++) writeLimits(w, limit(readLimits(b), maxPages));
      section(out, 5, w.view());
    } else out.bytes(wasm.subarray(s.start, s.end));
  }
  return { code: out.view().slice(), imported: shape ? { initial: shape.min, maximum: shape.max } : null };
}

// the order sections must come in; custom sections (0) may stand anywhere
function order(id: number): number {
  return id === 12 ? 9.5 : id === 13 ? 5.5 : id;
}

function memoryImports(b: Reader): number {
  let memories = 0;
  const n = b.u32();
  for (let i = 0; i < n; i++) {
    b.vec(); b.vec();
    const kind = b.byte();
    if (kind === 2) { memories++; readLimits(b); } else skipImport(b, kind);
  }
  return memories;
}

function skipImport(b: Reader, kind: number): void {
  if (kind === 0) b.u32();
  else if (kind === 1) { b.byte(); readLimitsAny(b); }
  else if (kind === 3) { b.byte(); b.byte(); }
  else if (kind === 4) { b.byte(); b.u32(); }
  else throw malformed(`import kind ${kind}`, b.pos - 1);
}

function readLimitsAny(b: Reader): void {
  const f = b.byte();
  b.u32();
  if (f & 1) b.u32();
}

function section(out: Writer, id: number, body: Uint8Array): void {
  out.byte(id).u32(body.length).bytes(body);
}

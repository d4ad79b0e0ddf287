// The one interpreter that sizes, writes and reads a list of fields.
// Messages, stats and directory entries are all such lists (messages.ts), so
// this is the only place that knows the wire form of each kind (spec.ts).

import { fail } from '../error.ts';
import { type Dialect, MAXWELEM } from './consts.ts';
import type { Cursor } from './cursor.ts';
import { direntLayout, statLayout, type Dirent, type Stat } from './messages.ts';
import type { Qid } from './qid.ts';
import type { Field, Kind } from './spec.ts';
import { utf8Length, type Writer } from './writer.ts';

type Obj = Readonly<Record<string, unknown>>;

// ---- sizing (and checking: encode refuses anything decode would not give back)

// `where` and `name` name the field in errors; joined only when one is thrown.
const bad = (where: string, name: string, what: string): never => {
  throw fail('EINVAL', `9P ${where}.${name}: ${what}`);
};

function stringSize(v: unknown, where: string, name: string): number {
  if (typeof v !== 'string') return bad(where, name, 'expected a string');
  const n = utf8Length(v);
  if (n < 0) throw fail('EILSEQ', `9P ${where}.${name}: string holds a lone surrogate`);
  if (n > 0xffff) throw fail('ENAMETOOLONG', `9P ${where}.${name}: string is ${n} bytes, at most 65535`);
  return 2 + n;
}

function qidSize(v: unknown, where: string, name: string): number {
  const q = v as Qid | undefined;
  if (typeof q !== 'object' || q === null) return bad(where, name, 'expected a qid');
  if ((q.type & 0xff) !== q.type || q.version >>> 0 !== q.version || typeof q.path !== 'bigint' || BigInt.asUintN(64, q.path) !== q.path)
    return bad(where, name, 'qid field out of range');
  return 13;
}

function arraySize(v: unknown, where: string, name: string, item: (x: unknown, where: string, name: string) => number): number {
  if (!Array.isArray(v)) return bad(where, name, 'expected an array');
  if (v.length > MAXWELEM) return bad(where, name, `${v.length} elements, at most ${MAXWELEM}`);
  let n = 2;
  for (const x of v) n += item(x, where, name);
  return n;
}

function fieldSize(f: Field, v: unknown, where: string, dialect: Dialect): number {
  switch (f.kind) {
    case 'u8':
      return typeof v === 'number' && (v & 0xff) === v ? 1 : bad(where, f.name, `expected u8, got ${String(v)}`);
    case 'u16':
      return typeof v === 'number' && (v & 0xffff) === v ? 2 : bad(where, f.name, `expected u16, got ${String(v)}`);
    case 'u32':
      return typeof v === 'number' && v >>> 0 === v ? 4 : bad(where, f.name, `expected u32, got ${String(v)}`);
    case 'u64':
      return typeof v === 'bigint' && BigInt.asUintN(64, v) === v ? 8 : bad(where, f.name, `expected u64 bigint, got ${String(v)}`);
    case 's':
      return stringSize(v, where, f.name);
    case 'qid':
      return qidSize(v, where, f.name);
    case 's[]':
      return arraySize(v, where, f.name, stringSize);
    case 'qid[]':
      return arraySize(v, where, f.name, qidSize);
    case 'data':
      return v instanceof Uint8Array ? 4 + v.length : bad(where, f.name, 'expected a Uint8Array');
    case 'stat':
      return 2 + statSize(v, `${where}.${f.name}`, dialect);
  }
}

export function sizeFields(fields: readonly Field[], obj: Obj, dialect: Dialect, where: string): number {
  const ext = dialect !== '9P2000';
  let n = 0;
  for (const f of fields) {
    if (f.ext && !ext) continue;
    n += fieldSize(f, obj[f.name] ?? f.fallback, where, dialect);
  }
  return n;
}

/** Bytes of one stat including its own size[2]. */
export function statSize(v: unknown, where: string, dialect: Dialect): number {
  if (typeof v !== 'object' || v === null) throw fail('EINVAL', `9P ${where}: expected a stat`);
  const n = 2 + sizeFields(statLayout, v as Obj, dialect, where);
  if (n - 2 > 0xffff) throw fail('EINVAL', `9P ${where}: stat is ${n} bytes, too long`);
  return n;
}

// ---- writing (values were checked by the sizing pass)

function writeField(w: Writer, kind: Kind, v: unknown, dialect: Dialect): void {
  switch (kind) {
    case 'u8':
      return w.u8(v as number);
    case 'u16':
      return w.u16(v as number);
    case 'u32':
      return w.u32(v as number);
    case 'u64':
      return w.u64(v as bigint);
    case 's':
      return w.string(v as string);
    case 'qid':
      return w.qid(v as Qid);
    case 's[]':
      w.u16((v as string[]).length);
      for (const s of v as string[]) w.string(s);
      return;
    case 'qid[]':
      w.u16((v as Qid[]).length);
      for (const q of v as Qid[]) w.qid(q);
      return;
    case 'data':
      w.u32((v as Uint8Array).length);
      return w.bytes(v as Uint8Array);
    case 'stat': {
      const at = w.pos;
      w.pos += 2;
      writeStat(w, v as Stat, dialect);
      w.patch16(at, w.pos - at - 2);
      return;
    }
  }
}

export function writeFields(w: Writer, fields: readonly Field[], obj: Obj, dialect: Dialect): void {
  const ext = dialect !== '9P2000';
  for (const f of fields) if (!f.ext || ext) writeField(w, f.kind, obj[f.name] ?? f.fallback, dialect);
}

/** One stat including its own size[2]. */
export function writeStat(w: Writer, stat: Stat, dialect: Dialect): void {
  const at = w.pos;
  w.pos += 2;
  writeFields(w, statLayout, stat as unknown as Obj, dialect);
  w.patch16(at, w.pos - at - 2);
}

// ---- reading (never throws: problems go to the cursor)

function readArray<T>(c: Cursor, item: () => T): T[] {
  const n = c.u16();
  if (n > MAXWELEM) {
    c.fail(`walk array of ${n} elements, at most ${MAXWELEM}`);
    return [];
  }
  const out: T[] = [];
  for (let i = 0; i < n && c.error === undefined; i++) out.push(item());
  return out;
}

function readField(c: Cursor, kind: Kind, dialect: Dialect): unknown {
  switch (kind) {
    case 'u8':
      return c.u8();
    case 'u16':
      return c.u16();
    case 'u32':
      return c.u32();
    case 'u64':
      return c.u64();
    case 's':
      return c.string();
    case 'qid':
      return c.qid();
    case 's[]':
      return readArray(c, () => c.string());
    case 'qid[]':
      return readArray(c, () => c.qid());
    case 'data':
      return c.bytes(c.u32());
    case 'stat': {
      const n = c.u16();
      const start = c.pos;
      const stat = readStat(c, dialect);
      if (c.error === undefined && c.pos - start !== n) c.fail(`stat[n] says ${n} bytes but the stat holds ${c.pos - start}`);
      return stat;
    }
  }
}

export function readFields(c: Cursor, fields: readonly Field[], dialect: Dialect, into: Record<string, unknown>): void {
  const ext = dialect !== '9P2000';
  for (const f of fields) if (!f.ext || ext) into[f.name] = readField(c, f.kind, dialect);
}

/** One stat including its own size[2]; the stat must fill exactly that size. */
export function readStat(c: Cursor, dialect: Dialect): Stat {
  const size = c.u16();
  const stat: Record<string, unknown> = {};
  if (size > c.remaining) {
    c.fail(`stat size ${size} runs past the end (${c.remaining} bytes left)`);
    return stat as Stat;
  }
  const outer = c.end;
  const end = c.pos + size;
  c.end = end;
  readFields(c, statLayout, dialect, stat);
  if (c.error === undefined && c.pos !== end) c.fail(`stat has ${end - c.pos} unread bytes`);
  c.end = outer;
  return stat as Stat;
}

export function readDirent(c: Cursor): Dirent {
  const d: Record<string, unknown> = {};
  readFields(c, direntLayout, '9P2000.L', d);
  return d as Dirent;
}

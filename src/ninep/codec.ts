// encode, decode and size for every message, derived from the table.
// decode never throws: whatever the bytes, it returns a Msg that encodes back
// to exactly those bytes, or a DecodeError. It reads through a Cursor and checks
// the size field, the type, overrun, limits and trailing bytes once per message.

import { GoblinError, fail } from '../error.ts';
import { type Dialect, HEADER_SIZE } from './consts.ts';
import { Cursor } from './cursor.ts';
import { readFields, sizeFields, writeFields } from './fields.ts';
import { defByName, defByType, type Msg, type MsgDef } from './messages.ts';
import { Writer } from './writer.ts';

/** A message that cannot be decoded. tag and type are set when the header was
 *  readable, so a server can still answer that tag with an error. */
export class DecodeError extends GoblinError {
  readonly tag: number | undefined;
  readonly type: number | undefined;
  constructor(reason: string, tag?: number, type?: number) {
    super('EBADMSG', `9P: ${reason}`);
    this.tag = tag;
    this.type = type;
  }
}

function defFor(msg: Msg, dialect: Dialect): MsgDef {
  const def = defByName(msg.kind);
  if (!def) throw fail('EINVAL', `9P: no message ${String(msg.kind)}`);
  if (defByType(def.type, dialect) !== def) throw fail('EPROTO', `9P: ${msg.kind} is not in ${dialect}`);
  if ((msg.tag & 0xffff) !== msg.tag) throw fail('EINVAL', `9P ${msg.kind}.tag: expected u16, got ${msg.tag}`);
  return def;
}

type Obj = Readonly<Record<string, unknown>>;

/** Bytes `msg` takes on the wire in `dialect`, size field included. Throws on values encode would refuse. */
export function size(msg: Msg, dialect: Dialect): number {
  const def = defFor(msg, dialect);
  return HEADER_SIZE + sizeFields(def.fields, msg as Obj, dialect, msg.kind);
}

/** One whole message. Throws a GoblinError (EINVAL, EILSEQ, ENAMETOOLONG, EPROTO)
 *  for a message that could not be decoded back: out-of-range numbers, more than
 *  MAXWELEM walk elements, over-long strings, a message the dialect lacks. */
export function encode(msg: Msg, dialect: Dialect): Uint8Array {
  const def = defFor(msg, dialect);
  const n = HEADER_SIZE + sizeFields(def.fields, msg as Obj, dialect, msg.kind);
  if (n > 0xffffffff) throw fail('EMSGSIZE', `9P ${msg.kind}: ${n} bytes`);
  const w = new Writer(n);
  put(w, def, n, msg, dialect);
  return w.buf;
}

/** Like encode, but into `out` at `offset` (allocating a buffer costs more than
 *  encoding a small message); returns the bytes written. Throws EMSGSIZE, with
 *  `out` untouched, when the message does not fit. */
export function encodeInto(msg: Msg, dialect: Dialect, out: Uint8Array, offset = 0): number {
  const def = defFor(msg, dialect);
  const n = HEADER_SIZE + sizeFields(def.fields, msg as Obj, dialect, msg.kind);
  if (n > out.length - offset) throw fail('EMSGSIZE', `9P ${msg.kind}: ${n} bytes, ${out.length - offset} available`);
  put(new Writer(out, offset), def, n, msg, dialect);
  return n;
}

function put(w: Writer, def: MsgDef, n: number, msg: Msg, dialect: Dialect): void {
  w.u32(n);
  w.u8(def.type);
  w.u16(msg.tag);
  writeFields(w, def.fields, msg as Obj, dialect);
}

/** One whole message (as the framer delivers it). Byte fields of the result are
 *  views into `bytes`, not copies. */
export function decode(bytes: Uint8Array, dialect: Dialect): Msg | DecodeError {
  if (bytes.length < HEADER_SIZE) return new DecodeError(`message of ${bytes.length} bytes is shorter than a header`);
  const c = new Cursor(bytes);
  const n = c.u32();
  const type = c.u8();
  const tag = c.u16();
  if (n !== bytes.length) return new DecodeError(`size field says ${n} bytes, message has ${bytes.length}`, tag, type);
  const def = defByType(type, dialect);
  if (!def) return new DecodeError(`no message type ${type} in ${dialect}`, tag, type);
  const msg: Record<string, unknown> = { kind: def.name, tag };
  readFields(c, def.fields, dialect, msg);
  if (c.error !== undefined) return new DecodeError(`${def.name}: ${c.error}`, tag, type);
  if (c.pos !== bytes.length) return new DecodeError(`${def.name}: ${bytes.length - c.pos} trailing bytes`, tag, type);
  return msg as Msg;
}

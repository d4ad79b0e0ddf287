// ninep: the 9P wire codec for 9P2000, 9P2000.u and 9P2000.L. Pure functions
// over bytes, no I/O, no node: modules. Every message is one row of the table
// in messages.ts; encode, decode, size and trace are derived from it.
//
//   const bytes = encode({ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['a', 'b'] }, '9P2000.L');
//   const msg = decode(bytes, '9P2000.L');       // Msg | DecodeError, never a throw
//   if (!(msg instanceof DecodeError)) trace(msg); // 'Twalk tag 1 fid 0 newfid 1 "a" "b"'
//
// Costs: decode allocates the message object and its strings, never more than
// the message's size; byte fields are views into the input. encode allocates
// exactly one buffer of the message's size; encodeInto writes into the
// caller's buffer instead (allocating is most of the cost of a small message).
//
// BUGS
// Strings must be UTF-8 both ways: a name that is not (Linux allows any bytes)
// makes the message undecodable, since it could not be re-encoded unchanged.
// u64 fields are bigints.

export * from './consts.ts';
export { DecodeError, decode, encode, encodeInto, size } from './codec.ts';
export { direntLength, packDirents, unpackDirents } from './dirent.ts';
export { Framer } from './frame.ts';
export { defByName, defByType, type Dirent, direntLayout, statLayout, type Msg, type MsgDef, type MsgKind, type MsgOf, msgDefs, type Stat, table } from './messages.ts';
export { formatQid, QID_SIZE, type Qid } from './qid.ts';
export type { Packed } from './records.ts';
export type { Field, Kind } from './spec.ts';
export { decodeStat, encodeStat, nullStat, packStats, statLength, unpackStats } from './stat.ts';
export { formatStat, trace, traceError } from './trace.ts';
export { clampMsize, clientVersion, dialects, isDialect, iounit, type Negotiated, nextDialect, serverVersion } from './version.ts';

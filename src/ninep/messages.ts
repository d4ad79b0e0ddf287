// The table: every 9P2000, 9P2000.u and 9P2000.L message, once, as data.
// Each row is name, type number, dialects, and the fields after size[4]
// type[1] tag[2] (spec.ts explains 'name:kind' and 'name?:kind'). encode,
// decode, size, trace, the TypeScript message types and the round-trip tests
// are all derived from these rows: a new message is one row.
//
// Sources, in our words: intro(5) and the section 5 pages for 9P2000; the
// 9P2000.u draft for the extension fields; diod's protocol notes and Linux's
// 9p header for 9P2000.L. Numbers and field order are the wire's; field
// names follow those documents.

import { type Dialect, NONUNAME } from './consts.ts';
import { type ExtNames, type Kind, parseFields, type Struct, type Field } from './spec.ts';

type Spec = `${string}:${Kind}`;

const all = ['9P2000', '9P2000.u', '9P2000.L'] as const;
/** The Plan 9 file messages that 9P2000.L replaced with its own. */
const plan9 = ['9P2000', '9P2000.u'] as const;
const L = ['9P2000.L'] as const;

export const table = [
  ['Rlerror', 7, L, ['ecode:u32']],
  ['Tstatfs', 8, L, ['fid:u32']],
  ['Rstatfs', 9, L, ['type:u32', 'bsize:u32', 'blocks:u64', 'bfree:u64', 'bavail:u64', 'files:u64', 'ffree:u64', 'fsid:u64', 'namelen:u32']],
  ['Tlopen', 12, L, ['fid:u32', 'flags:u32']],
  ['Rlopen', 13, L, ['qid:qid', 'iounit:u32']],
  ['Tlcreate', 14, L, ['fid:u32', 'name:s', 'flags:u32', 'mode:u32', 'gid:u32']],
  ['Rlcreate', 15, L, ['qid:qid', 'iounit:u32']],
  ['Tsymlink', 16, L, ['fid:u32', 'name:s', 'symtgt:s', 'gid:u32']],
  ['Rsymlink', 17, L, ['qid:qid']],
  ['Tmknod', 18, L, ['dfid:u32', 'name:s', 'mode:u32', 'major:u32', 'minor:u32', 'gid:u32']],
  ['Rmknod', 19, L, ['qid:qid']],
  ['Trename', 20, L, ['fid:u32', 'dfid:u32', 'name:s']],
  ['Rrename', 21, L, []],
  ['Treadlink', 22, L, ['fid:u32']],
  ['Rreadlink', 23, L, ['target:s']],
  ['Tgetattr', 24, L, ['fid:u32', 'request_mask:u64']],
  ['Rgetattr', 25, L, [
    'valid:u64', 'qid:qid', 'mode:u32', 'uid:u32', 'gid:u32', 'nlink:u64', 'rdev:u64', 'size:u64', 'blksize:u64', 'blocks:u64',
    'atime_sec:u64', 'atime_nsec:u64', 'mtime_sec:u64', 'mtime_nsec:u64', 'ctime_sec:u64', 'ctime_nsec:u64',
    'btime_sec:u64', 'btime_nsec:u64', 'gen:u64', 'data_version:u64',
  ]],
  ['Tsetattr', 26, L, [
    'fid:u32', 'valid:u32', 'mode:u32', 'uid:u32', 'gid:u32', 'size:u64',
    'atime_sec:u64', 'atime_nsec:u64', 'mtime_sec:u64', 'mtime_nsec:u64',
  ]],
  ['Rsetattr', 27, L, []],
  ['Txattrwalk', 30, L, ['fid:u32', 'newfid:u32', 'name:s']],
  ['Rxattrwalk', 31, L, ['size:u64']],
  ['Txattrcreate', 32, L, ['fid:u32', 'name:s', 'attr_size:u64', 'flags:u32']],
  ['Rxattrcreate', 33, L, []],
  ['Treaddir', 40, L, ['fid:u32', 'offset:u64', 'count:u32']],
  ['Rreaddir', 41, L, ['data:data']], // whole entries; see dirent.ts
  ['Tfsync', 50, L, ['fid:u32', 'datasync:u32']],
  ['Rfsync', 51, L, []],
  ['Tlock', 52, L, ['fid:u32', 'type:u8', 'flags:u32', 'start:u64', 'length:u64', 'proc_id:u32', 'client_id:s']],
  ['Rlock', 53, L, ['status:u8']],
  ['Tgetlock', 54, L, ['fid:u32', 'type:u8', 'start:u64', 'length:u64', 'proc_id:u32', 'client_id:s']],
  ['Rgetlock', 55, L, ['type:u8', 'start:u64', 'length:u64', 'proc_id:u32', 'client_id:s']],
  ['Tlink', 70, L, ['dfid:u32', 'fid:u32', 'name:s']],
  ['Rlink', 71, L, []],
  ['Tmkdir', 72, L, ['dfid:u32', 'name:s', 'mode:u32', 'gid:u32']],
  ['Rmkdir', 73, L, ['qid:qid']],
  ['Trenameat', 74, L, ['olddirfid:u32', 'oldname:s', 'newdirfid:u32', 'newname:s']],
  ['Rrenameat', 75, L, []],
  ['Tunlinkat', 76, L, ['dirfd:u32', 'name:s', 'flags:u32']],
  ['Runlinkat', 77, L, []],
  ['Tversion', 100, all, ['msize:u32', 'version:s']],
  ['Rversion', 101, all, ['msize:u32', 'version:s']],
  ['Tauth', 102, all, ['afid:u32', 'uname:s', 'aname:s', 'n_uname?:u32']],
  ['Rauth', 103, all, ['aqid:qid']],
  ['Tattach', 104, all, ['fid:u32', 'afid:u32', 'uname:s', 'aname:s', 'n_uname?:u32']],
  ['Rattach', 105, all, ['qid:qid']],
  ['Rerror', 107, plan9, ['ename:s', 'errno?:u32']],
  ['Tflush', 108, all, ['oldtag:u16']],
  ['Rflush', 109, all, []],
  ['Twalk', 110, all, ['fid:u32', 'newfid:u32', 'wname:s[]']],
  ['Rwalk', 111, all, ['wqid:qid[]']],
  ['Topen', 112, plan9, ['fid:u32', 'mode:u8']],
  ['Ropen', 113, plan9, ['qid:qid', 'iounit:u32']],
  ['Tcreate', 114, plan9, ['fid:u32', 'name:s', 'perm:u32', 'mode:u8', 'extension?:s']],
  ['Rcreate', 115, plan9, ['qid:qid', 'iounit:u32']],
  ['Tread', 116, all, ['fid:u32', 'offset:u64', 'count:u32']],
  ['Rread', 117, all, ['data:data']], // a 9P2000 directory read holds whole stats; see stat.ts
  ['Twrite', 118, all, ['fid:u32', 'offset:u64', 'data:data']],
  ['Rwrite', 119, all, ['count:u32']],
  ['Tclunk', 120, all, ['fid:u32']],
  ['Rclunk', 121, all, []],
  ['Tremove', 122, all, ['fid:u32']],
  ['Rremove', 123, all, []],
  ['Tstat', 124, plan9, ['fid:u32']],
  ['Rstat', 125, plan9, ['stat:stat']],
  ['Twstat', 126, plan9, ['fid:u32', 'stat:stat']],
  ['Rwstat', 127, plan9, []],
] as const satisfies ReadonlyArray<readonly [string, number, readonly Dialect[], readonly Spec[]]>;

/** A directory entry of stat(5), with the 9P2000.u additions at the end. */
export const statFields = [
  'type:u16', 'dev:u32', 'qid:qid', 'mode:u32', 'atime:u32', 'mtime:u32', 'length:u64',
  'name:s', 'uid:s', 'gid:s', 'muid:s', 'extension?:s', 'n_uid?:u32', 'n_gid?:u32', 'n_muid?:u32',
] as const satisfies readonly Spec[];

/** One Rreaddir entry: offset is the cookie a later Treaddir resumes after. */
export const direntFields = ['qid:qid', 'offset:u64', 'type:u8', 'name:s'] as const satisfies readonly Spec[];

type Row = (typeof table)[number];
type ExtName = ExtNames<Row[3]> | ExtNames<typeof statFields>;

/** What an absent extension field means on the wire: no numeric id, no errno, no extension. */
const fallbacks = {
  n_uname: NONUNAME, errno: 0, extension: '', n_uid: NONUNAME, n_gid: NONUNAME, n_muid: NONUNAME,
} as const satisfies Record<ExtName, number | string>;

export type MsgKind = Row[0];
/** Every message, discriminated by `kind` (the wire's own field names are used for the rest). */
export type Msg = { [R in Row as R[0]]: { kind: R[0]; tag: number } & Struct<R[3]> }[MsgKind];
export type MsgOf<K extends MsgKind> = Extract<Msg, { kind: K }>;
export type Stat = Struct<typeof statFields>;
export type Dirent = Struct<typeof direntFields>;

export interface MsgDef {
  readonly name: MsgKind;
  readonly type: number;
  readonly dialects: readonly Dialect[];
  readonly fields: readonly Field[];
}

export const msgDefs: readonly MsgDef[] = table.map(([name, type, dialects, specs]) => ({
  name, type, dialects, fields: parseFields(specs, fallbacks),
}));
export const statLayout: readonly Field[] = parseFields(statFields, fallbacks);
export const direntLayout: readonly Field[] = parseFields(direntFields, fallbacks);

const byName = new Map<string, MsgDef>(msgDefs.map((d) => [d.name, d]));
const byType: Record<Dialect, (MsgDef | undefined)[]> = { '9P2000': [], '9P2000.u': [], '9P2000.L': [] };
for (const d of msgDefs) for (const dialect of d.dialects) byType[dialect][d.type] = d;

/** The row for a type number, if the dialect has that message. */
export const defByType = (type: number, dialect: Dialect): MsgDef | undefined => byType[dialect][type];
/** The row for a message name (any dialect). */
export const defByName = (name: string): MsgDef | undefined => byName.get(name);

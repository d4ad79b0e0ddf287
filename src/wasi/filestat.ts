// The filestat struct, shared by fd_filestat_* and path_filestat_*: writing one to
// the guest, and reading the fst_flags of a set_times call into a stat change.
import { fail } from '../error.ts';
import type { Stat } from '../fs/types.ts';
import type { Context } from './context.ts';
import { FILETYPE } from './fd.ts';

const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 };

/** A safe integer as a little-endian u64, without making a BigInt. */
function u64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n >>> 0, true);
  v.setUint32(at + 4, Math.floor(n / 4294967296), true);
}

export function writeStat(c: Context, ptr: number, st: Stat): void {
  ptr >>>= 0;
  const v = c.g.view(ptr, 64);
  u64(v, ptr, c.vm.devOf(st.dev));
  u64(v, ptr + 8, st.ino);
  v.setBigUint64(ptr + 16, 0n, true);
  v.setUint8(ptr + 16, FILETYPE[st.type]);
  u64(v, ptr + 24, st.nlink);
  u64(v, ptr + 32, st.size);
  v.setBigUint64(ptr + 40, st.atime, true);
  v.setBigUint64(ptr + 48, st.mtime, true);
  v.setBigUint64(ptr + 56, st.ctime, true);
}

/** The times a set_times call asks for; `_NOW` reads the VM's realtime clock. */
export function timesChange(c: Context, atim: bigint, mtim: bigint, flags: number): { atime?: bigint; mtime?: bigint } {
  if ((flags & FST.ATIM && flags & FST.ATIM_NOW) || (flags & FST.MTIM && flags & FST.MTIM_NOW) || flags & ~15) throw fail('EINVAL');
  const now = flags & (FST.ATIM_NOW | FST.MTIM_NOW) ? c.vm.clock.realtime() : 0n;
  const ch: { atime?: bigint; mtime?: bigint } = {};
  if (flags & FST.ATIM) ch.atime = atim; else if (flags & FST.ATIM_NOW) ch.atime = now;
  if (flags & FST.MTIM) ch.mtime = mtim; else if (flags & FST.MTIM_NOW) ch.mtime = now;
  return ch;
}

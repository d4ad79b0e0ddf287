// fd_readdir: a directory's listing, read from the cookie on. The listing is taken
// when a read begins at cookie 0 and kept on the descriptor, so cookies stay
// stable while the directory changes; it is sorted when the VM is deterministic.
import type { Steps } from '../fs/maybe.ts';
import type { Dirent, Stat } from '../fs/types.ts';
import { entries } from '../ns/union.ts';
import type { Context } from './context.ts';
import { FILETYPE, type Fd, R } from './fd.ts';

const enc = new TextEncoder();
const DIRENT = 24; // the header before each name

function* listing(c: Context, f: Fd): Steps<Dirent[]> {
  const self: Stat = yield f.chan!.file.stat();
  const ents: Dirent[] = yield entries(f.chan!);
  if (c.vm.clock.deterministic) ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [{ name: '.', type: 'dir', ino: self.ino }, { name: '..', type: 'dir', ino: self.ino }, ...ents];
}

export const dir = {
  *fd_readdir(c: Context, fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number) {
    const f = c.dir(fd, R.FD_READDIR);
    if (cookie === 0n || !f.listing) f.listing = yield* listing(c, f);
    const ents = f.listing;
    const out = c.g.bytes(buf, bufLen);
    const header = new DataView(new ArrayBuffer(DIRENT));
    const hb = new Uint8Array(header.buffer);
    let used = 0;
    for (let i = Number(cookie); i < ents.length && used < bufLen; i++) {
      const e = ents[i]!;
      const name = enc.encode(e.name);
      header.setBigUint64(0, BigInt(i + 1), true);
      header.setBigUint64(8, BigInt(e.ino), true);
      header.setUint32(16, name.length, true);
      header.setUint8(20, FILETYPE[e.type]);
      // the last entry may be cut: the buffer is filled to exactly its length
      const h = Math.min(DIRENT, bufLen - used);
      out.set(hb.subarray(0, h), used);
      used += h;
      const nm = Math.min(name.length, bufLen - used);
      out.set(name.subarray(0, nm), used);
      used += nm;
    }
    c.g.u32(bufused, used);
  },
};

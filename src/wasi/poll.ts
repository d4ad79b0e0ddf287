// poll_oneoff: report what is ready now; if nothing is, wait for the first fd to
// become ready or the earliest clock to fire, then report again. Never spins.
import { WASI_ERRNO, fail } from '../error.ts';
import type { Maybe } from '../fs/types.ts';
import type { Context } from './context.ts';

const SUB = 48, EVENT = 32;
const CLOCK = 0, FD_READ = 1, FD_WRITE = 2;
const ABSTIME = 1;

interface Sub { userdata: bigint; tag: number; fd: number; deadline: bigint }
interface Event { userdata: bigint; error: number; type: number; nbytes: bigint; hangup: boolean }

function pollOneoff(c: Context, inPtr: number, outPtr: number, n: number, neventsPtr: number): Maybe<number> {
  const { vm, g } = c;
  if (n === 0) throw fail('EINVAL');
  const v = g.view(inPtr, n * SUB);
  g.view(outPtr, n * EVENT);
  const subs: Sub[] = [];
  for (let i = 0; i < n; i++) {
    const at = (inPtr >>> 0) + i * SUB;
    const tag = v.getUint8(at + 8);
    const s: Sub = { userdata: v.getBigUint64(at, true), tag, fd: 0, deadline: 0n };
    if (tag === CLOCK) {
      const id = v.getUint32(at + 16, true);
      if (id > 3) throw fail('EINVAL');
      const timeout = v.getBigUint64(at + 24, true);
      const flags = v.getUint16(at + 40, true);
      const now = id === 0 ? vm.clock.realtime() : vm.clock.monotonic();
      // deadlines are kept on the monotonic clock
      s.deadline = vm.clock.monotonic() + (flags & ABSTIME ? timeout - now : timeout);
    } else if (tag === FD_READ || tag === FD_WRITE) s.fd = v.getUint32(at + 16, true);
    else throw fail('EINVAL');
    subs.push(s);
  }
  return round(c, subs, outPtr, neventsPtr);
}

function round(c: Context, subs: Sub[], outPtr: number, neventsPtr: number): Maybe<number> {
  const { vm, fds } = c;
  const events = ready(c, subs);
  if (events.length) return write(c, events, outPtr, neventsPtr);
  // nothing yet: wait for the first thing that could change that
  let earliest: bigint | null = null;
  const waits: Promise<void>[] = [];
  for (const s of subs) {
    if (s.tag === CLOCK) { if (earliest === null || s.deadline < earliest) earliest = s.deadline; continue; }
    const h = fds.fds[s.fd]?.handle;
    const w = h?.whenReady?.(s.tag === FD_READ ? 'read' : 'write');
    if (w) waits.push(w);
  }
  if (earliest !== null) {
    const sleep = vm.clock.sleepUntil(earliest);
    if (!sleep) return round(c, subs, outPtr, neventsPtr); // the deterministic clock jumped
    waits.push(sleep);
  }
  if (!waits.length) throw fail('EINVAL');
  return vm.block(Promise.race(waits)).then(() => round(c, subs, outPtr, neventsPtr));
}

function ready(c: Context, subs: Sub[]): Event[] {
  const { vm, fds } = c;
  const out: Event[] = [];
  const now = vm.clock.monotonic();
  for (const s of subs) {
    const e: Event = { userdata: s.userdata, error: 0, type: s.tag, nbytes: 0n, hangup: false };
    if (s.tag === CLOCK) { if (now >= s.deadline) out.push(e); continue; }
    const f = fds.fds[s.fd];
    if (!f) { e.error = WASI_ERRNO.EBADF; out.push(e); continue; }
    const op = s.tag === FD_READ ? 'read' : 'write';
    if (!f.handle) { e.error = f.type === 'dir' ? WASI_ERRNO.EISDIR : WASI_ERRNO.EBADF; out.push(e); continue; }
    if (!f.handle.ready || f.handle.ready(op)) out.push(e);
  }
  return out;
}

function write({ g }: Context, events: Event[], outPtr: number, neventsPtr: number): number {
  const v = g.view(outPtr, events.length * EVENT);
  events.forEach((e, i) => {
    const at = (outPtr >>> 0) + i * EVENT;
    v.setBigUint64(at, e.userdata, true);
    v.setUint16(at + 8, e.error, true);
    v.setUint8(at + 10, e.type);
    v.setBigUint64(at + 16, e.nbytes, true);
    v.setUint16(at + 24, e.hangup ? 1 : 0, true);
  });
  g.u32(neventsPtr, events.length);
  return 0;
}

export const poll = { poll_oneoff: pollOneoff };

// WASI preview 1 over the kernel: the table of wasi_snapshot_preview1 functions,
// assembled from one file per concern. Each function reads its arguments from
// guest memory, asks the fd table, namespace or file server, and writes results
// back (see context.ts); it answers an errno now, or a Promise of one when
// something must wait (the import is then a JSPI Suspending function and only
// this VM waits). What a call throws becomes its errno here, and only here.
import { GoblinError, WASI_ERRNO, wasiErrno } from '../error.ts';
import { drive, type Steps } from '../fs/maybe.ts';
import type { Maybe } from '../fs/types.ts';
import { argsEnv } from './args-env.ts';
import { clockRandom } from './clock-random.ts';
import type { Call, Calls, Context } from './context.ts';
import { dir } from './dir.ts';
import { fdIo } from './fd-io.ts';
import { fdMeta } from './fd-meta.ts';
import { path } from './path.ts';
import { poll } from './poll.ts';
import { proc } from './proc.ts';
import { sock } from './sock.ts';

const calls: Calls = { ...argsEnv, ...clockRandom, ...fdIo, ...fdMeta, ...dir, ...path, ...poll, ...proc, ...sock };

// calls that may wait on a stream (a pipe, a console) whatever the namespace holds
export const streams: ReadonlySet<string> = new Set(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'poll_oneoff', 'sched_yield']);
// calls that may wait on a file server
export const blocking: ReadonlySet<string> = new Set(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'fd_readdir', 'fd_seek', 'fd_sync', 'fd_datasync',
  'fd_allocate', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'path_create_directory',
  'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink', 'path_remove_directory',
  'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff', 'sched_yield']);

const ENOMEM = WASI_ERRNO.ENOMEM;

/** Errors raised inside a call become its errno; unwinding signals pass through. */
function errno(e: unknown): number {
  if (e instanceof GoblinError) return wasiErrno(e);
  // guest pointers are checked before use, so a RangeError is the host running out
  if (e instanceof RangeError) return ENOMEM;
  throw e;
}

const success = (v: number | void): number => v ?? 0;

function settle(r: Maybe<number | void>): Maybe<number> {
  if (r instanceof Promise) return r.then(success, errno);
  return r ?? 0;
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;

export type Import = (...args: any[]) => Maybe<number>;

/** The one place a call becomes an errno: its answer is settled, and a call written as steps is driven. */
function invoke(c: Context, call: Call, steps: boolean, a1?: any, a2?: any, a3?: any, a4?: any, a5?: any, a6?: any, a7?: any, a8?: any, a9?: any): Maybe<number> {
  try {
    const r = call(c, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    return settle(steps ? drive(r as Steps<number | void>) : r as Maybe<number | void>);
  } catch (e) { return errno(e); }
}

// An import takes exactly its call's arguments (a wasm-to-JS call whose arity
// matches is the cheaper one); path_open has the most, 9. A plain call that
// answers at once allocates nothing on its way through here.
function bind(c: Context, call: Call): Import {
  const s = call instanceof GeneratorFunction;
  switch (call.length - 1) {
    case 0: return () => invoke(c, call, s);
    case 1: return a => invoke(c, call, s, a);
    case 2: return (a, b) => invoke(c, call, s, a, b);
    case 3: return (a, b, d) => invoke(c, call, s, a, b, d);
    case 4: return (a, b, d, e) => invoke(c, call, s, a, b, d, e);
    case 5: return (a, b, d, e, f) => invoke(c, call, s, a, b, d, e, f);
    default: return (a, b, d, e, f, g, h, i, j) => invoke(c, call, s, a, b, d, e, f, g, h, i, j);
  }
}

/**
 * The wasi_snapshot_preview1 function `name` for the VM of `c`, or undefined if
 * there is none. Imports are made as a program names them, so a VM pays only for
 * the calls its program can make.
 */
export function preview1(c: Context, name: string): Import | undefined {
  const call = Object.hasOwn(calls, name) ? calls[name] : undefined;
  return call && bind(c, call);
}

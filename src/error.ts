// One error type for the whole core, and one conversion per edge:
// WASI errno, Linux errno (9P2000.L Rlerror), Plan 9 error text (Rerror), shell status.
// Anything that is not a GoblinError becomes EIO at an edge.

// name, WASI preview-1 errno, Linux errno, Plan 9-style text
const table = [
  ['E2BIG', 1, 7, 'argument list too long'],
  ['EACCES', 2, 13, 'permission denied'],
  ['EADDRINUSE', 3, 98, 'address in use'],
  ['EADDRNOTAVAIL', 4, 99, 'address not available'],
  ['EAFNOSUPPORT', 5, 97, 'address family not supported'],
  ['EAGAIN', 6, 11, 'resource temporarily unavailable'],
  ['EALREADY', 7, 114, 'operation already in progress'],
  ['EBADF', 8, 9, 'bad file descriptor'],
  ['EBADMSG', 9, 74, 'bad message'],
  ['EBUSY', 10, 16, 'device or resource busy'],
  ['ECANCELED', 11, 125, 'operation canceled'],
  ['ECHILD', 12, 10, 'no child processes'],
  ['ECONNABORTED', 13, 103, 'connection aborted'],
  ['ECONNREFUSED', 14, 111, 'connection refused'],
  ['ECONNRESET', 15, 104, 'connection reset'],
  ['EDEADLK', 16, 35, 'deadlock'],
  ['EDESTADDRREQ', 17, 89, 'destination address required'],
  ['EDOM', 18, 33, 'argument out of domain'],
  ['EDQUOT', 19, 122, 'quota exceeded'],
  ['EEXIST', 20, 17, 'file already exists'],
  ['EFAULT', 21, 14, 'bad address'],
  ['EFBIG', 22, 27, 'file too large'],
  ['EHOSTUNREACH', 23, 113, 'host unreachable'],
  ['EIDRM', 24, 43, 'identifier removed'],
  ['EILSEQ', 25, 84, 'illegal byte sequence'],
  ['EINPROGRESS', 26, 115, 'operation in progress'],
  ['EINTR', 27, 4, 'interrupted'],
  ['EINVAL', 28, 22, 'invalid argument'],
  ['EIO', 29, 5, 'i/o error'],
  ['EISCONN', 30, 106, 'already connected'],
  ['EISDIR', 31, 21, 'is a directory'],
  ['ELOOP', 32, 40, 'too many levels of symbolic links'],
  ['EMFILE', 33, 24, 'too many open files'],
  ['EMLINK', 34, 31, 'too many links'],
  ['EMSGSIZE', 35, 90, 'message too long'],
  ['EMULTIHOP', 36, 72, 'multihop attempted'],
  ['ENAMETOOLONG', 37, 36, 'file name too long'],
  ['ENETDOWN', 38, 100, 'network is down'],
  ['ENETRESET', 39, 102, 'connection reset by network'],
  ['ENETUNREACH', 40, 101, 'network unreachable'],
  ['ENFILE', 41, 23, 'too many open files in system'],
  ['ENOBUFS', 42, 105, 'no buffer space'],
  ['ENODEV', 43, 19, 'no such device'],
  ['ENOENT', 44, 2, 'file does not exist'],
  ['ENOEXEC', 45, 8, 'exec format error'],
  ['ENOLCK', 46, 37, 'no locks available'],
  ['ENOLINK', 47, 67, 'link has been severed'],
  ['ENOMEM', 48, 12, 'out of memory'],
  ['ENOMSG', 49, 42, 'no message'],
  ['ENOPROTOOPT', 50, 92, 'protocol not available'],
  ['ENOSPC', 51, 28, 'no space left on device'],
  ['ENOSYS', 52, 38, 'function not implemented'],
  ['ENOTCONN', 53, 107, 'not connected'],
  ['ENOTDIR', 54, 20, 'not a directory'],
  ['ENOTEMPTY', 55, 39, 'directory not empty'],
  ['ENOTRECOVERABLE', 56, 131, 'state not recoverable'],
  ['ENOTSOCK', 57, 88, 'not a socket'],
  ['ENOTSUP', 58, 95, 'operation not supported'],
  ['ENOTTY', 59, 25, 'inappropriate ioctl'],
  ['ENXIO', 60, 6, 'no such device or address'],
  ['EOVERFLOW', 61, 75, 'value too large'],
  ['EOWNERDEAD', 62, 130, 'owner died'],
  ['EPERM', 63, 1, 'permission denied'],
  ['EPIPE', 64, 32, 'write on closed pipe'],
  ['EPROTO', 65, 71, 'protocol error'],
  ['EPROTONOSUPPORT', 66, 93, 'protocol not supported'],
  ['EPROTOTYPE', 67, 91, 'wrong protocol type'],
  ['ERANGE', 68, 34, 'result out of range'],
  ['EROFS', 69, 30, 'read-only file system'],
  ['ESPIPE', 70, 29, 'illegal seek'],
  ['ESRCH', 71, 3, 'no such process'],
  ['ESTALE', 72, 116, 'stale file handle'],
  ['ETIMEDOUT', 73, 110, 'timed out'],
  ['ETXTBSY', 74, 26, 'text file busy'],
  ['EXDEV', 75, 18, 'cross-device link'],
  ['ENOTCAPABLE', 76, 13, 'capability insufficient'],
] as const;

export type Errno = (typeof table)[number][0];

interface Row { name: Errno; wasi: number; linux: number; text: string }
const byName = new Map<string, Row>();
const byLinux = new Map<number, Row>();
const byText = new Map<string, Row>();
// a number or text two rows share decodes to the first (ENOTCAPABLE sends EACCES's 13,
// EPERM sends EACCES's "permission denied")
for (const [name, wasi, linux, text] of table) {
  const row = { name, wasi, linux, text };
  byName.set(name, row);
  if (!byLinux.has(linux)) byLinux.set(linux, row);
  if (!byText.has(text)) byText.set(text, row);
}

export class GoblinError extends Error {
  readonly errno: Errno;
  constructor(errno: Errno, message?: string) {
    super(message ?? byName.get(errno)!.text);
    this.errno = errno;
  }
}

/** Throw-helper that reads well at call sites: `throw fail('ENOENT')`. */
export function fail(errno: Errno, message?: string): GoblinError {
  return new GoblinError(errno, message);
}

function rowOf(e: unknown): Row {
  return (e instanceof GoblinError && byName.get(e.errno)) || byName.get('EIO')!;
}

export const wasiErrno = (e: unknown): number => rowOf(e).wasi;
/** WASI preview-1 errno numbers by name, for the few places that answer one without an error to convert. */
export const WASI_ERRNO = Object.fromEntries(table.map(([name, wasi]) => [name, wasi])) as Readonly<Record<Errno, number>>;
/** The WASI errno of anything thrown (EIO for what is not a GoblinError). */
export const errnoOf = wasiErrno;
export const linuxErrno = (e: unknown): number => rowOf(e).linux;
export const errorText = (e: unknown): string => (e instanceof GoblinError ? e.message : rowOf(e).text);
/** An rc status for a failure: its text, as Plan 9's wait messages carry it. */
export const shellStatus = (e: unknown): string => errorText(e);

/** A 9P2000.L Rlerror errno back into an error. */
export function fromLinuxErrno(n: number): GoblinError {
  const row = byLinux.get(n);
  return new GoblinError(row ? row.name : 'EIO', row ? undefined : `errno ${n}`);
}

/** A 9P2000 Rerror text back into an error; unknown texts keep their words under EIO. */
export function fromErrorText(text: string): GoblinError {
  const row = byText.get(text);
  return new GoblinError(row ? row.name : 'EIO', text);
}

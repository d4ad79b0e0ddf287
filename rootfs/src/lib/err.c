#include "lib.h"

/*
 * Error text in Plan 9's words, the same words Goblin's kernel uses
 * (src/error.ts), so a message reads the same from either side.
 */
static char *errtab[] = {
	[E2BIG] = "argument list too long",
	[EACCES] = "permission denied",
	[EADDRINUSE] = "address in use",
	[EADDRNOTAVAIL] = "address not available",
	[EAFNOSUPPORT] = "address family not supported",
	[EAGAIN] = "resource temporarily unavailable",
	[EALREADY] = "operation already in progress",
	[EBADF] = "bad file descriptor",
	[EBADMSG] = "bad message",
	[EBUSY] = "device or resource busy",
	[ECANCELED] = "operation canceled",
	[ECHILD] = "no child processes",
	[ECONNABORTED] = "connection aborted",
	[ECONNREFUSED] = "connection refused",
	[ECONNRESET] = "connection reset",
	[EDEADLK] = "deadlock",
	[EDESTADDRREQ] = "destination address required",
	[EDOM] = "argument out of domain",
	[EDQUOT] = "quota exceeded",
	[EEXIST] = "file already exists",
	[EFAULT] = "bad address",
	[EFBIG] = "file too large",
	[EHOSTUNREACH] = "host unreachable",
	[EIDRM] = "identifier removed",
	[EILSEQ] = "illegal byte sequence",
	[EINPROGRESS] = "operation in progress",
	[EINTR] = "interrupted",
	[EINVAL] = "invalid argument",
	[EIO] = "i/o error",
	[EISCONN] = "already connected",
	[EISDIR] = "is a directory",
	[ELOOP] = "too many levels of symbolic links",
	[EMFILE] = "too many open files",
	[EMLINK] = "too many links",
	[EMSGSIZE] = "message too long",
	[EMULTIHOP] = "multihop attempted",
	[ENAMETOOLONG] = "file name too long",
	[ENETDOWN] = "network is down",
	[ENETRESET] = "connection reset by network",
	[ENETUNREACH] = "network unreachable",
	[ENFILE] = "too many open files in system",
	[ENOBUFS] = "no buffer space",
	[ENODEV] = "no such device",
	[ENOENT] = "file does not exist",
	[ENOEXEC] = "exec format error",
	[ENOLCK] = "no locks available",
	[ENOLINK] = "link has been severed",
	[ENOMEM] = "out of memory",
	[ENOMSG] = "no message",
	[ENOPROTOOPT] = "protocol not available",
	[ENOSPC] = "no space left on device",
	[ENOSYS] = "function not implemented",
	[ENOTCONN] = "not connected",
	[ENOTDIR] = "not a directory",
	[ENOTEMPTY] = "directory not empty",
	[ENOTRECOVERABLE] = "state not recoverable",
	[ENOTSOCK] = "not a socket",
	[ENOTSUP] = "operation not supported",
	[ENOTTY] = "inappropriate ioctl",
	[ENXIO] = "no such device or address",
	[EOVERFLOW] = "value too large",
	[EOWNERDEAD] = "owner died",
	[EPERM] = "permission denied",
	[EPIPE] = "write on closed pipe",
	[EPROTO] = "protocol error",
	[EPROTONOSUPPORT] = "protocol not supported",
	[EPROTOTYPE] = "wrong protocol type",
	[ERANGE] = "result out of range",
	[EROFS] = "read-only file system",
	[ESPIPE] = "illegal seek",
	[ESRCH] = "no such process",
	[ESTALE] = "stale file handle",
	[ETIMEDOUT] = "timed out",
	[ETXTBSY] = "text file busy",
	[EXDEV] = "cross-device link",
	[ENOTCAPABLE] = "capability insufficient",
};

char*
errtext(int e)
{
	static char buf[24];

	if(e >= 0 && e < (int)(sizeof errtab / sizeof errtab[0]) && errtab[e] != NULL)
		return errtab[e];
	snprint(buf, sizeof buf, "error %d", e);
	return buf;
}

static void
vwarn(char *fmt, va_list arg)
{
	char buf[1024];
	int n, e;

	e = errno;
	n = snprint(buf, sizeof buf, "%s: ", argv0);
	errno = e;
	n += vsnprint(buf + n, sizeof buf - n, fmt, arg);
	if(n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	oflush();
	write(2, buf, n);
}

/* "argv0: message" on standard error */
void
warn(char *fmt, ...)
{
	va_list arg;

	va_start(arg, fmt);
	vwarn(fmt, arg);
	va_end(arg);
}

_Noreturn void
fatal(char *fmt, ...)
{
	va_list arg;

	va_start(arg, fmt);
	vwarn(fmt, arg);
	va_end(arg);
	exits(1);
}

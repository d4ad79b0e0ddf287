#include "lib.h"

/*
 * Buffered standard output.  A failed write ends the program: quietly
 * for a closed pipe (the reader has had enough, as with head), with a
 * message otherwise.
 */
enum { Osize = 8192 };
static char obuf[Osize];
static size_t on;
int ofd = 1;

static void
ewrite(char *p, size_t n)
{
	ssize_t w;

	while(n > 0){
		w = write(ofd, p, n);
		if(w <= 0){
			on = 0;
			if(errno != EPIPE)
				warn("write error: %r");
			_Exit(1);
		}
		p += w;
		n -= w;
	}
}

void
oflush(void)
{
	size_t n;

	n = on;
	on = 0;
	if(n > 0)
		ewrite(obuf, n);
}

void
owrite(void *v, size_t n)
{
	char *p;
	size_t k;

	p = v;
	if(n >= Osize){
		oflush();
		ewrite(p, n);
		return;
	}
	while(n > 0){
		k = Osize - on;
		if(k > n)
			k = n;
		memmove(obuf + on, p, k);
		on += k;
		p += k;
		n -= k;
		if(on == Osize)
			oflush();
	}
}

void
oputc(int c)
{
	obuf[on++] = c;
	if(on == Osize)
		oflush();
}

void
oputs(char *s)
{
	owrite(s, strlen(s));
}

_Noreturn void
exits(int status)
{
	oflush();
	_Exit(status);
}

/*
 * Input.  bline returns the next line without its newline, NUL
 * terminated in place, and says whether a newline ended it (the last
 * line of a file may lack one).  The line stays valid until the next
 * call.  A read error ends input and is kept in b->err.
 */
enum { Isize = 8192 };

void
binit(Bin *b, int fd)
{
	memset(b, 0, sizeof *b);
	b->fd = fd;
	b->cap = Isize;
	b->buf = emalloc(b->cap);
}

void
bterm(Bin *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* read more bytes into the buffer; 0 at end of input */
static int
bfill(Bin *b)
{
	ssize_t n;

	if(b->eof)
		return 0;
	if(b->rp > 0){
		memmove(b->buf, b->buf + b->rp, b->wp - b->rp);
		b->wp -= b->rp;
		b->rp = 0;
	}
	if(b->wp + 1 >= b->cap){
		b->cap *= 2;
		b->buf = erealloc(b->buf, b->cap);
	}
	/* keep one byte spare for the NUL after an unterminated last line */
	n = read(b->fd, b->buf + b->wp, b->cap - b->wp - 1);
	if(n <= 0){
		if(n < 0)
			b->err = readerr(b->fd);
		b->eof = 1;
		return 0;
	}
	b->wp += n;
	return 1;
}

char*
bline(Bin *b, size_t *len, int *nl)
{
	uchar *p, *s;
	size_t scan;

	scan = b->rp;
	for(;;){
		p = memchr(b->buf + scan, '\n', b->wp - scan);
		if(p != NULL){
			s = b->buf + b->rp;
			*p = '\0';
			*len = p - s;
			if(nl != NULL)
				*nl = 1;
			b->rp = p + 1 - b->buf;
			return (char*)s;
		}
		scan = b->wp - b->rp;	/* offset after bfill moves the data */
		if(!bfill(b))
			break;
		scan += b->rp;
	}
	if(b->rp == b->wp)
		return NULL;
	s = b->buf + b->rp;
	*len = b->wp - b->rp;
	b->buf[b->wp] = '\0';
	b->rp = b->wp;
	if(nl != NULL)
		*nl = 0;
	return (char*)s;
}

/* the next byte without consuming it, or -1 at end of input */
int
bpeek(Bin *b)
{
	if(b->rp == b->wp && !bfill(b))
		return -1;
	return b->buf[b->rp];
}

int
openin(char *name)
{
	if(strcmp(name, "-") == 0)
		return 0;
	return open(name, O_RDONLY);
}

void
closein(int fd)
{
	if(fd > 0)
		close(fd);
}

/*
 * WASI answers a read on a directory with EBADF; say what the user
 * needs to hear.
 */
int
readerr(int fd)
{
	struct stat st;
	int e;

	e = errno;
	if(e == EBADF && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return EISDIR;
	return e;
}

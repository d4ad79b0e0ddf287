#include "lib.h"

/*
 * A small allocator in place of wasi-libc's dlmalloc, which is about
 * 9 KiB of each binary.  These programs are short-lived and allocate
 * little, so it keeps it simple: blocks of power-of-two sizes from
 * 32 bytes up, a free list per size, no coalescing.  Memory comes from
 * the end of the heap, growing linear memory a page at a time.  The
 * block at the end of the heap grows in place on realloc, so a buffer
 * that keeps doubling (sort, tail) does not leave its old copies behind.
 *
 * Each block starts with a 16-byte header holding its size, which
 * keeps the memory handed out 16-byte aligned.
 */

enum {
	Hdr = 16,
	Minshift = 5,
	Nclass = 32,
	Page = 65536,
};

typedef struct Free Free;
struct Free {
	Free	*next;
};

extern uchar __heap_base;

static Free *freelist[Nclass];
static uchar *top, *end;	/* unused heap: [top, end) */

static int
classof(size_t n)	/* smallest class holding n bytes */
{
	int k;

	for(k = Minshift; k < Nclass && ((size_t)1 << k) < n; k++)
		;
	return k;
}

static int
classfits(size_t n)	/* largest class a block of n bytes can serve */
{
	int k;

	for(k = Minshift; k + 1 < Nclass && ((size_t)1 << (k + 1)) <= n; k++)
		;
	return k;
}

static size_t*
hdr(void *p)
{
	return (size_t*)((uchar*)p - Hdr);
}

/* make [top, top+n) available; 0 if memory is exhausted */
static int
grow(size_t n)
{
	size_t pages;

	if(top == NULL){
		top = (uchar*)(((uintptr_t)&__heap_base + Hdr - 1) & ~(uintptr_t)(Hdr - 1));
		end = (uchar*)(__builtin_wasm_memory_size(0) * Page);
	}
	if((size_t)(end - top) >= n)
		return 1;
	pages = (n - (end - top) + Page - 1) / Page;
	if(__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
		return 0;
	end += pages * Page;
	return 1;
}

void*
malloc(size_t n)
{
	size_t size;
	uchar *b;
	Free *f;
	int k;

	if(n > ((size_t)1 << (Nclass - 1)) - Hdr){
		errno = ENOMEM;
		return NULL;
	}
	k = classof(n + Hdr);
	if((f = freelist[k]) != NULL){
		freelist[k] = f->next;
		return f;
	}
	size = (size_t)1 << k;
	if(!grow(size)){
		errno = ENOMEM;
		return NULL;
	}
	b = top;
	top += size;
	*(size_t*)b = size;
	return b + Hdr;
}

void
free(void *p)
{
	Free *f;
	size_t size;
	int k;

	if(p == NULL)
		return;
	size = *hdr(p);
	if((uchar*)p - Hdr + size == top){
		top = (uchar*)p - Hdr;	/* the last block: give it back to the heap */
		return;
	}
	k = classfits(size);
	f = p;
	f->next = freelist[k];
	freelist[k] = f;
}

void*
calloc(size_t m, size_t n)
{
	void *p;

	if(n != 0 && m > (size_t)-1 / n){
		errno = ENOMEM;
		return NULL;
	}
	if((p = malloc(m * n)) != NULL)
		memset(p, 0, m * n);
	return p;
}

void*
realloc(void *p, size_t n)
{
	size_t size, need;
	void *q;

	if(p == NULL)
		return malloc(n);
	size = *hdr(p);
	need = n + Hdr;
	if(need <= size)
		return p;
	if((uchar*)p - Hdr + size == top && n <= ((size_t)1 << (Nclass - 1)) - Hdr){
		/* the last block grows where it is */
		need = (need + Hdr - 1) & ~(size_t)(Hdr - 1);
		if(grow(need - size)){
			top += need - size;
			*hdr(p) = need;
			return p;
		}
	}
	if((q = malloc(n)) == NULL)
		return NULL;
	memmove(q, p, size - Hdr);
	free(p);
	return q;
}

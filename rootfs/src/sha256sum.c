#include "lib.h"

/*
 * sha256sum [-c] [file ...]: SHA-256 (FIPS 180-4) of each file, as
 * "hex  name" ("-" for standard input); -c reads such lines and checks
 * the files they name.
 */

typedef struct Sha Sha;
struct Sha {
	uint32_t	h[8];
	uchar	blk[64];
	size_t	nblk;
	uvlong	len;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void
compress(Sha *s, uchar *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for(i = 0; i < 16; i++, p += 4)
		w[i] = (uint32_t)p[0]<<24 | p[1]<<16 | p[2]<<8 | p[3];
	for(; i < 64; i++)
		w[i] = w[i-16] + (ror(w[i-15], 7) ^ ror(w[i-15], 18) ^ w[i-15]>>3)
			+ w[i-7] + (ror(w[i-2], 17) ^ ror(w[i-2], 19) ^ w[i-2]>>10);
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for(i = 0; i < 64; i++){
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + (e & f ^ ~e & g) + K[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + (a & b ^ a & c ^ b & c);
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void
shainit(Sha *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memmove(s->h, h0, sizeof h0);
	s->nblk = 0;
	s->len = 0;
}

static void
shaupdate(Sha *s, uchar *p, size_t n)
{
	size_t k;

	s->len += n;
	if(s->nblk > 0){
		k = 64 - s->nblk;
		if(k > n)
			k = n;
		memmove(s->blk + s->nblk, p, k);
		s->nblk += k;
		p += k;
		n -= k;
		if(s->nblk < 64)
			return;
		compress(s, s->blk);
		s->nblk = 0;
	}
	for(; n >= 64; n -= 64, p += 64)
		compress(s, p);
	memmove(s->blk, p, n);
	s->nblk = n;
}

static void
shafinal(Sha *s, char hex[65])
{
	uvlong bits;
	int i;

	bits = s->len * 8;
	s->blk[s->nblk++] = 0x80;
	if(s->nblk > 56){
		memset(s->blk + s->nblk, 0, 64 - s->nblk);
		compress(s, s->blk);
		s->nblk = 0;
	}
	memset(s->blk + s->nblk, 0, 56 - s->nblk);
	for(i = 0; i < 8; i++)
		s->blk[56 + i] = bits >> (56 - 8*i);
	compress(s, s->blk);
	for(i = 0; i < 32; i++){
		hex[2*i] = "0123456789abcdef"[s->h[i/4] >> (28 - 8*(i%4)) & 0xf];
		hex[2*i+1] = "0123456789abcdef"[s->h[i/4] >> (24 - 8*(i%4)) & 0xf];
	}
	hex[64] = '\0';
}

static uchar buf[32768];

/* hex digest of a file; 0 on success, with the error reported */
static int
sum(char *name, char hex[65])
{
	Sha s;
	ssize_t n;
	int fd;

	if((fd = openin(name)) < 0){
		warn("%s: %r", name);
		return -1;
	}
	shainit(&s);
	while((n = read(fd, buf, sizeof buf)) > 0)
		shaupdate(&s, buf, n);
	if(n < 0){
		errno = readerr(fd);
		warn("%s: %r", name);
		closein(fd);
		return -1;
	}
	closein(fd);
	shafinal(&s, hex);
	return 0;
}

static int
check(char *list)
{
	Bin b;
	char hex[65], *s, *name;
	size_t n;
	int fd, status, bad;

	if((fd = openin(list)) < 0)
		fatal("%s: %r", list);
	binit(&b, fd);
	status = 0;
	bad = 0;
	while((s = bline(&b, &n, NULL)) != NULL){
		if(n < 67 || s[64] != ' ' || s[65] != ' ' && s[65] != '*'){
			warn("%s: bad line: %s", list, s);
			status = 1;
			continue;
		}
		name = s + 66;
		s[64] = '\0';
		for(n = 0; n < 64; n++)
			if(s[n] >= 'A' && s[n] <= 'F')
				s[n] += 'a' - 'A';
		if(sum(name, hex) < 0){
			status = 1;
			continue;
		}
		if(strcmp(hex, s) == 0)
			print("%s: OK\n", name);
		else{
			print("%s: FAILED\n", name);
			bad++;
		}
	}
	if(b.err){
		errno = b.err;
		fatal("%s: %r", list);
	}
	if(bad > 0){
		oflush();
		warn("%d of the files did not match", bad);
		status = 1;
	}
	return status;
}

int
main(int argc, char **argv)
{
	char hex[65];
	int cflag, status;

	argv0 = "sha256sum";
	cflag = 0;
	ARGBEGIN{
	case 'c':
		cflag = 1;
		break;
	default:
		usage1("[-c] [file ...]");
	}ARGEND
	status = 0;
	if(argc == 0){
		argv[0] = "-";
		argc = 1;
	}
	for(; argc > 0; argc--, argv++){
		if(cflag){
			status |= check(argv[0]);
			continue;
		}
		if(sum(argv[0], hex) < 0){
			status = 1;
			continue;
		}
		print("%s  %s\n", hex, argv[0]);
	}
	exits(status);
}

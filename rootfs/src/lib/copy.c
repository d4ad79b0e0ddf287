#include "lib.h"

static char buf[32768];

/*
 * Copy the file src to dst, creating or truncating dst.  Errors are
 * reported here; returns 0 or -1.
 */
int
copyfile(char *src, char *dst)
{
	struct stat ss, ds;
	int in, out, r;
	ssize_t n, w, k;

	if((in = open(src, O_RDONLY)) < 0){
		warn("%s: %r", src);
		return -1;
	}
	if(fstat(in, &ss) == 0 && stat(dst, &ds) == 0 && ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino){
		warn("%s and %s are the same file", src, dst);
		close(in);
		return -1;
	}
	if((out = open(dst, O_WRONLY|O_CREAT|O_TRUNC, 0666)) < 0){
		warn("%s: %r", dst);
		close(in);
		return -1;
	}
	r = 0;
	while((n = read(in, buf, sizeof buf)) > 0){
		for(w = 0; w < n; w += k)
			if((k = write(out, buf + w, n - w)) <= 0){
				warn("%s: %r", dst);
				r = -1;
				goto out;
			}
	}
	if(n < 0){
		errno = readerr(in);
		warn("%s: %r", src);
		r = -1;
	}
out:
	close(in);
	if(close(out) < 0 && r == 0){
		warn("%s: %r", dst);
		r = -1;
	}
	return r;
}

int
isdir(char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

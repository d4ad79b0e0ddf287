#include "lib.h"
#include <dirent.h>

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char**)a, *(char**)b);
}

/*
 * The names in directory path, without . and .., sorted, in one
 * malloc'd block (free the array only); NULL with errno set on error.
 * Reading the whole directory first leaves callers free to change it.
 */
char**
dirnames(char *path, int *np)
{
	DIR *d;
	struct dirent *e;
	char **v, *s;
	size_t n, bytes, nb, i;
	char *names;
	int err;

	if((d = opendir(path)) == NULL)
		return NULL;
	n = 0;
	bytes = 0;
	nb = 4096;
	names = emalloc(nb);
	for(errno = 0; (e = readdir(d)) != NULL; errno = 0){
		s = e->d_name;
		if(s[0] == '.' && (s[1] == '\0' || s[1] == '.' && s[2] == '\0'))
			continue;
		i = strlen(s) + 1;
		if(bytes + i > nb){
			while(bytes + i > nb)
				nb *= 2;
			names = erealloc(names, nb);
		}
		memmove(names + bytes, s, i);
		bytes += i;
		n++;
	}
	err = errno;
	closedir(d);
	if(err != 0){
		free(names);
		errno = err;
		return NULL;
	}
	/* one block: the pointers, then the names */
	v = emalloc((n + 1) * sizeof v[0] + bytes);
	s = (char*)(v + n + 1);
	memmove(s, names, bytes);
	free(names);
	for(i = 0; i < n; i++){
		v[i] = s;
		s += strlen(s) + 1;
	}
	v[n] = NULL;
	qsort(v, n, sizeof v[0], namecmp);
	*np = n;
	return v;
}

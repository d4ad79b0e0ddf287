#include "lib.h"
#include <stdio.h>	/* rename */

/*
 * mv from to
 * mv from ... dir
 * Rename files, or move them into dir.  Where a rename cannot cross
 * between file trees, a plain file is copied and the original removed.
 */

static int
mv(char *from, char *to)
{
	struct stat st;

	if(rename(from, to) == 0)
		return 0;
	if(errno == EXDEV && stat(from, &st) == 0 && S_ISREG(st.st_mode)){
		if(copyfile(from, to) < 0)
			return 1;
		if(unlink(from) == 0)
			return 0;
		warn("%s: %r", from);
		return 1;
	}
	if(errno == ENOENT && access(from, F_OK) == 0)
		warn("%s: %r", to);
	else
		warn("%s: %r", from);
	return 1;
}

int
main(int argc, char **argv)
{
	char *dst, *t;
	int status, i;

	argv0 = "mv";
	ARGBEGIN{
	default:
		usage1("from to | from ... dir");
	}ARGEND
	if(argc < 2)
		usage1("from to | from ... dir");
	dst = argv[argc-1];
	if(!isdir(dst)){
		if(argc > 2){
			errno = ENOTDIR;
			fatal("%s: %r", dst);
		}
		exits(mv(argv[0], dst));
	}
	status = 0;
	for(i = 0; i < argc - 1; i++){
		t = pathjoin(dst, basename1(argv[i]));
		status |= mv(argv[i], t);
		free(t);
	}
	exits(status);
}

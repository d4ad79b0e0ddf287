// fd_renumber of the root preopen before the namespace is first used.
#include <stdio.h>
#include <wasi/api.h>
int main(void) {
  __wasi_errno_t r = __wasi_fd_renumber(3, 0);
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(0, 0, "tmp", 0, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd);
  printf("renumber %d path_open %d\n", r, e);
  return 0;
}

// Rights a directory does not pass on cannot be had by opening a file under it;
// the root preopen renumbered before any path call still works.
#include <stdio.h>
#include <wasi/api.h>
int main(void) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(3, &st)) return 1;
  if (__wasi_fd_fdstat_set_rights(3, st.fs_rights_base, st.fs_rights_inheriting & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE))) return 2;
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(3, 0, "tmp/y", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  __wasi_ciovec_t v = { (const uint8_t *)"hi", 2 };
  __wasi_size_t n = 0;
  printf("open %d write %d\n", e, e ? -1 : __wasi_fd_write(fd, &v, 1, &n));
  return 0;
}

// sock_accept, sock_recv, sock_send, sock_shutdown on descriptors that are not
// sockets (a file, the preopen, stdio): ENOTSOCK, as wasmtime answers and the
// official sock_shutdown-not_sock test requires (accept/recv/send may also say
// ENOTSUP, since preview 1 cannot create sockets); EBADF for bad fds is in wasi_badf.c.
#include "check.h"
#include <errno.h>
#include <sys/socket.h>

#define ROOT 3
#define NOT_SOCK __WASI_ERRNO_NOTSOCK, __WASI_ERRNO_NOTSUP

// The root preopen is a directory: it is no descriptor for sock_* at all, so EBADF
// (as wasmtime answers; the official sock_shutdown-invalid_fd test, run with no
// --dir, expects EBADF from fd 3, which is the root preopen here).
#define NOT_SOCK_DIR __WASI_ERRNO_NOTSOCK, __WASI_ERRNO_NOTSUP, __WASI_ERRNO_BADF

static void on(__wasi_fd_t fd, const char *tag) {
  int dir = !strcmp(tag, "preopen");
  char name[64];
  uint8_t buf[8] = "payload";
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_ciovec_t ciov = {buf, sizeof buf};
  __wasi_size_t n = 99;
  __wasi_roflags_t ro;
  __wasi_fd_t got = -1;
  snprintf(name, sizeof name, "sock_accept_%s", tag);
  if (!skip(name)) { if (dir) ERR(name, __wasi_sock_accept(fd, 0, &got), NOT_SOCK_DIR); else ERR(name, __wasi_sock_accept(fd, 0, &got), NOT_SOCK); }
  snprintf(name, sizeof name, "sock_recv_%s", tag);
  if (!skip(name)) { if (dir) ERR(name, __wasi_sock_recv(fd, &iov, 1, 0, &n, &ro), NOT_SOCK_DIR); else ERR(name, __wasi_sock_recv(fd, &iov, 1, 0, &n, &ro), NOT_SOCK); }
  snprintf(name, sizeof name, "sock_send_%s", tag);
  if (!skip(name)) { if (dir) ERR(name, __wasi_sock_send(fd, &ciov, 1, 0, &n), NOT_SOCK_DIR); else ERR(name, __wasi_sock_send(fd, &ciov, 1, 0, &n), NOT_SOCK); }
  snprintf(name, sizeof name, "sock_shutdown_%s", tag);
  if (!skip(name)) { if (dir) ERR(name, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK, __WASI_ERRNO_BADF); else ERR(name, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK); }
}

int main(void) {
  __wasi_fd_t file;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET;
  if (expect_ok("path_open_sock_file", __wasi_path_open(ROOT, 0, "not_a_socket", __WASI_OFLAGS_CREAT, r, r, 0, &file))) {
    on(file, "file");
    __wasi_filestat_t st;
    if (expect_ok("sock_send_file_wrote_nothing_stat", __wasi_fd_filestat_get(file, &st))) expect_u64("sock_send_file_wrote_nothing", st.size, 0);
  }
  on(ROOT, "preopen");
  on(0, "stdin");
  on(1, "stdout");
  // Through libc: shutdown(2) maps the errno.
  if (file >= 0) {
    errno = 0;
    int rc = shutdown(file, SHUT_RDWR);
    check("libc_shutdown_not_socket", rc == -1 && errno == ENOTSOCK, "rc %d errno %d", rc, errno);
  }
  return done();
}

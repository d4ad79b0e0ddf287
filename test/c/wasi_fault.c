// Pointers outside guest memory: every call answers EFAULT (or EINVAL/EBADF where
// the spec checks those first) and the host neither crashes nor touches other memory.
#include "check.h"

// the raw import: wasi-libc's wrapper would strlen() the bad path inside the guest
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags, int64_t base, int64_t inh, int32_t fdflags, int32_t out);

#define BAD ((void *)0xfffffff0u)
#define BADP ((uint8_t *)0xfffffff0u)

int main(void) {
  __wasi_size_t n;
  __wasi_fd_t fd;
  ERR("args_sizes_get_bad", __wasi_args_sizes_get(BAD, &n), __WASI_ERRNO_FAULT);
  ERR("args_get_bad", __wasi_args_get(BAD, BADP), __WASI_ERRNO_FAULT);
  ERR("environ_get_bad", __wasi_environ_get(BAD, BADP), __WASI_ERRNO_FAULT, __WASI_ERRNO_SUCCESS);
  ERR("clock_time_get_bad", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD), __WASI_ERRNO_FAULT);
  ERR("random_get_bad", __wasi_random_get(BADP, 64), __WASI_ERRNO_FAULT);
  ERR("random_get_wraps", __wasi_random_get((uint8_t *)0xffffff00u, 0x200), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t iov = { BADP, 100 };
  ERR("fd_write_bad_buffer", __wasi_fd_write(1, &iov, 1, &n), __WASI_ERRNO_FAULT);
  ERR("fd_write_bad_iovs", __wasi_fd_write(1, BAD, 1, &n), __WASI_ERRNO_FAULT);
  ERR("fd_write_too_many_iovs", __wasi_fd_write(1, &iov, 100000, &n), __WASI_ERRNO_INVAL, __WASI_ERRNO_FAULT);
  __wasi_iovec_t riov = { BADP, 100 };
  ERR("fd_read_bad_buffer", __wasi_fd_read(0, &riov, 1, &n), __WASI_ERRNO_FAULT, __WASI_ERRNO_SUCCESS);
  ERR("path_open_bad_path", raw_path_open(3, 0, (int32_t)0xfffffff0u, 64, 0, 0, 0, 0, (int32_t)(uintptr_t)&fd), __WASI_ERRNO_FAULT);
  ERR("path_open_bad_out", raw_path_open(3, 0, (int32_t)(uintptr_t)".", 1, 0, 0, 0, 0, (int32_t)0xfffffff0u), __WASI_ERRNO_FAULT);
  ERR("path_filestat_get_bad_out", __wasi_path_filestat_get(3, 0, ".", BAD), __WASI_ERRNO_FAULT);
  ERR("fd_prestat_dir_name_bad", __wasi_fd_prestat_dir_name(3, BADP, 1), __WASI_ERRNO_FAULT);
  ERR("poll_oneoff_bad", __wasi_poll_oneoff(BAD, BAD, 1000000, &n), __WASI_ERRNO_FAULT);
  ERR("fd_readdir_bad_buffer", __wasi_fd_readdir(3, BADP, 4096, 0, &n), __WASI_ERRNO_FAULT);
  check("still_alive", 1, "");
  return done();
}

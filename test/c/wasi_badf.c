// Every fd-taking function answers EBADF for a descriptor that was never opened
// (1234) and for one that was opened and closed; a path function whose directory
// fd is a regular file or a stream refuses it (ENOTDIR, EBADF or ENOTCAPABLE).
// Covers fd_*, path_*, sock_* and fd_renumber on either side.
#include "check.h"

#define ROOT 3
#define NOT_A_DIR __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

static uint8_t buf[64];
static __wasi_iovec_t iov = {buf, sizeof buf};
static __wasi_ciovec_t ciov = {buf, 1};

// Runs every fd-taking call against fd and expects EBADF; tag names the kind of bad fd.
static void all_bad(__wasi_fd_t fd, const char *tag) {
  char name[96];
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_fdstat_t fs;
  __wasi_filestat_t st;
  __wasi_prestat_t ps;
  __wasi_fd_t out;
  __wasi_roflags_t ro;
#define BAD(fn, call) (snprintf(name, sizeof name, "%s_%s_ebadf", fn, tag), ERR(name, call, __WASI_ERRNO_BADF))
  BAD("fd_advise", __wasi_fd_advise(fd, 0, 1, __WASI_ADVICE_NORMAL));
  BAD("fd_allocate", __wasi_fd_allocate(fd, 0, 1));
  BAD("fd_close", __wasi_fd_close(fd));
  BAD("fd_datasync", __wasi_fd_datasync(fd));
  BAD("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  BAD("fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(fd, 0));
  BAD("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(fd, 0, 0));
  BAD("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  BAD("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
  BAD("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  BAD("fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  BAD("fd_prestat_get", __wasi_fd_prestat_get(fd, &ps));
  BAD("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(fd, buf, sizeof buf));
  BAD("fd_pwrite", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  BAD("fd_read", __wasi_fd_read(fd, &iov, 1, &n));
  BAD("fd_readdir", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n));
  BAD("fd_renumber_from", __wasi_fd_renumber(fd, ROOT));
  BAD("fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  BAD("fd_sync", __wasi_fd_sync(fd));
  BAD("fd_tell", __wasi_fd_tell(fd, &pos));
  BAD("fd_write", __wasi_fd_write(fd, &ciov, 1, &n));
  BAD("path_create_directory", __wasi_path_create_directory(fd, "d"));
  BAD("path_filestat_get", __wasi_path_filestat_get(fd, 0, "f", &st));
  BAD("path_filestat_set_times", __wasi_path_filestat_set_times(fd, 0, "f", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  BAD("path_link_source", __wasi_path_link(fd, 0, "f", ROOT, "link_from_bad"));
  BAD("path_link_target", __wasi_path_link(ROOT, 0, "exists.txt", fd, "link_to_bad"));
  BAD("path_open", __wasi_path_open(fd, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out));
  BAD("path_readlink", __wasi_path_readlink(fd, "l", buf, sizeof buf, &n));
  BAD("path_remove_directory", __wasi_path_remove_directory(fd, "d"));
  BAD("path_rename_source", __wasi_path_rename(fd, "f", ROOT, "renamed_from_bad"));
  BAD("path_rename_target", __wasi_path_rename(ROOT, "exists.txt", fd, "renamed_to_bad"));
  BAD("path_symlink", __wasi_path_symlink("target", fd, "l"));
  BAD("path_unlink_file", __wasi_path_unlink_file(fd, "f"));
  BAD("sock_accept", __wasi_sock_accept(fd, 0, &out));
  BAD("sock_recv", __wasi_sock_recv(fd, &iov, 1, 0, &n, &ro));
  BAD("sock_send", __wasi_sock_send(fd, &ciov, 1, 0, &n));
  BAD("sock_shutdown", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
#undef BAD
}

// Path functions given a descriptor that is not a directory.
static void not_a_directory(__wasi_fd_t fd, const char *tag) {
  char name[96];
  __wasi_size_t n;
  __wasi_filestat_t st;
  __wasi_fd_t out;
#define NOTDIR(fn, call) (snprintf(name, sizeof name, "%s_%s_dirfd", fn, tag), ERR(name, call, NOT_A_DIR))
  NOTDIR("path_create_directory", __wasi_path_create_directory(fd, "d"));
  NOTDIR("path_filestat_get", __wasi_path_filestat_get(fd, 0, "f", &st));
  NOTDIR("path_filestat_set_times", __wasi_path_filestat_set_times(fd, 0, "f", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  NOTDIR("path_link", __wasi_path_link(ROOT, 0, "exists.txt", fd, "link"));
  NOTDIR("path_open", __wasi_path_open(fd, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &out));
  NOTDIR("path_readlink", __wasi_path_readlink(fd, "l", buf, sizeof buf, &n));
  NOTDIR("path_remove_directory", __wasi_path_remove_directory(fd, "d"));
  NOTDIR("path_rename", __wasi_path_rename(ROOT, "exists.txt", fd, "r"));
  NOTDIR("path_symlink", __wasi_path_symlink("target", fd, "l"));
  NOTDIR("path_unlink_file", __wasi_path_unlink_file(fd, "f"));
  NOTDIR("fd_readdir", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n));
#undef NOTDIR
}

int main(void) {
  __wasi_fd_t file = -1, closed = -1;
  __wasi_errno_t e = __wasi_path_open(ROOT, 0, "exists.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &file);
  expect_ok("path_open_setup_file", e);
  e = __wasi_path_open(ROOT, 0, "closed.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &closed);
  if (expect_ok("path_open_setup_closed", e)) expect_ok("fd_close_setup_closed", __wasi_fd_close(closed));

  all_bad(1234, "unopened");
  all_bad(closed, "closed");
  all_bad(-1, "negative");

  // Renumbering onto a descriptor that is not open fails and leaves the source alone.
  __wasi_fdstat_t fs;
  ERR("fd_renumber_to_unopened_ebadf", __wasi_fd_renumber(file, 1234), __WASI_ERRNO_BADF);
  ERR("fd_renumber_to_closed_ebadf", __wasi_fd_renumber(file, closed), __WASI_ERRNO_BADF);
  expect_ok("fd_renumber_failure_keeps_source", __wasi_fd_fdstat_get(file, &fs));

  if (file >= 0) not_a_directory(file, "file");
  not_a_directory(0, "stdin");

  // Nothing was created, renamed or linked by the failed calls.
  __wasi_filestat_t st;
  const char *stray[] = {"link_from_bad", "link_to_bad", "renamed_from_bad", "renamed_to_bad", "d", "f", "l", "link", "r"};
  int clean = 1;
  for (size_t i = 0; i < sizeof stray / sizeof *stray; i++) clean &= __wasi_path_filestat_get(ROOT, 0, stray[i], &st) == __WASI_ERRNO_NOENT;
  check("bad_fd_calls_change_nothing", clean, "a failed call left an entry behind");
  expect_ok("path_filestat_get_source_still_there", __wasi_path_filestat_get(ROOT, 0, "exists.txt", &st));
  return done();
}

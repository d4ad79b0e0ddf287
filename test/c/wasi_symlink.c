// path_symlink, path_readlink, and symlinks under the other path functions:
// lookupflags SYMLINK_FOLLOW on the last component, intermediate links always
// followed, dangling links, ELOOP on loops, hard links to links, times on links.
#include "check.h"
#include <unistd.h>

#define ROOT 3
#define SEC 1000000000ull
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define R_FILE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET)

static __wasi_errno_t try_open(__wasi_lookupflags_t lf, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(ROOT, lf, path, oflags, rights, rights, 0, &fd);
  if (e == 0) (void)__wasi_fd_close(fd);
  return e;
}
static int put(const char *path, const char *text) {
  __wasi_fd_t fd;
  if (__wasi_path_open(ROOT, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, R_FILE, 0, &fd)) return 0;
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n = 0;
  int ok = __wasi_fd_write(fd, &iov, 1, &n) == 0 && n == strlen(text);
  return __wasi_fd_close(fd) == 0 && ok;
}
static int content(__wasi_lookupflags_t lf, const char *path, const char *want) {
  __wasi_fd_t fd;
  if (__wasi_path_open(ROOT, lf, path, 0, R_FILE, R_FILE, 0, &fd)) return 0;
  char buf[128];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  int ok = __wasi_fd_read(fd, &iov, 1, &n) == 0;
  (void)__wasi_fd_close(fd);
  return ok && n == strlen(want) && memcmp(buf, want, n) == 0;
}
static __wasi_errno_t lstat_(const char *path, __wasi_filestat_t *st) { return __wasi_path_filestat_get(ROOT, 0, path, st); }
static __wasi_errno_t stat_(const char *path, __wasi_filestat_t *st) { return __wasi_path_filestat_get(ROOT, FOLLOW, path, st); }
static int readlink_is(const char *path, const char *want) {
  char buf[256];
  __wasi_size_t n = 0;
  return __wasi_path_readlink(ROOT, path, (uint8_t *)buf, sizeof buf, &n) == 0 && n == strlen(want) && memcmp(buf, want, n) == 0;
}

static void basics(void) {
  __wasi_filestat_t st, target;
  check("setup_symlink_tree", put("target.txt", "target content") && __wasi_path_create_directory(ROOT, "dir") == 0 &&
        put("dir/inner.txt", "inner content"), "setup failed");
  expect_ok("path_symlink_to_file", __wasi_path_symlink("target.txt", ROOT, "l_file"));
  expect_ok("path_symlink_to_dir", __wasi_path_symlink("dir", ROOT, "l_dir"));

  char buf[16];
  memset(buf, '#', sizeof buf);
  __wasi_size_t n = 0;
  if (expect_ok("path_readlink", __wasi_path_readlink(ROOT, "l_file", (uint8_t *)buf, sizeof buf, &n))) {
    expect_str("path_readlink_content", buf, n, "target.txt");
    check("path_readlink_writes_only_the_target", buf[10] == '#', "byte after the target changed (no NUL is written)");
  }
  // A short buffer gets a prefix (wasmtime, and the official readlink test).
  memset(buf, '#', sizeof buf);
  if (expect_ok("path_readlink_short_buffer", __wasi_path_readlink(ROOT, "l_file", (uint8_t *)buf, 4, &n))) {
    expect_str("path_readlink_short_buffer_prefix", buf, n, "targ");
    check("path_readlink_short_buffer_bounded", buf[4] == '#', "wrote past the buffer");
  }
  ERR("path_readlink_regular_file", __wasi_path_readlink(ROOT, "target.txt", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
  ERR("path_readlink_directory", __wasi_path_readlink(ROOT, "dir", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
  ERR("path_readlink_missing", __wasi_path_readlink(ROOT, "missing", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_NOENT);

  if (expect_ok("path_filestat_get_nofollow_link", lstat_("l_file", &st))) {
    expect_u64("path_filestat_get_nofollow_is_symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    expect_u64("path_filestat_get_symlink_size_is_target_length", st.size, 10);
  }
  if (expect_ok("path_filestat_get_follow_link", stat_("l_file", &st)) && lstat_("target.txt", &target) == 0) {
    expect_u64("path_filestat_get_follow_is_target_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    check("path_filestat_get_follow_is_target_inode", st.ino == target.ino, "ino differs from the target's");
  }
  if (stat_("l_dir", &st) == 0) expect_u64("path_filestat_get_follow_dir_link", st.filetype, __WASI_FILETYPE_DIRECTORY);

  check("path_open_follow_reads_target", content(FOLLOW, "l_file", "target content"), "could not read through l_file");
  ERR("path_open_nofollow_file_link", try_open(0, "l_file", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_LOOP);
  ERR("path_open_nofollow_dir_link_as_directory", try_open(0, "l_dir", __WASI_OFLAGS_DIRECTORY, 0), __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
  expect_ok("path_open_follow_dir_link_as_directory", try_open(FOLLOW, "l_dir", __WASI_OFLAGS_DIRECTORY, R_DIR));
  ERR("path_open_follow_file_link_as_directory", try_open(FOLLOW, "l_file", __WASI_OFLAGS_DIRECTORY, 0), __WASI_ERRNO_NOTDIR);
  // Links inside a path are always followed; lookupflags govern only the last component.
  check("path_open_through_dir_link", content(0, "l_dir/inner.txt", "inner content"), "could not read l_dir/inner.txt");
  if (expect_ok("path_filestat_get_through_dir_link", lstat_("l_dir/inner.txt", &st)))
    expect_u64("path_filestat_get_through_dir_link_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  // Writing through a followed link changes the target.
  __wasi_fd_t fd;
  if (expect_ok("path_open_follow_for_write", __wasi_path_open(ROOT, FOLLOW, "l_file", __WASI_OFLAGS_TRUNC, R_FILE, R_FILE, 0, &fd))) {
    __wasi_ciovec_t iov = {(const uint8_t *)"new", 3};
    __wasi_size_t w;
    (void)__wasi_fd_write(fd, &iov, 1, &w);
    (void)__wasi_fd_close(fd);
    check("path_open_follow_writes_target", content(0, "target.txt", "new") && readlink_is("l_file", "target.txt"), "target not written or link changed");
  }

  ERR("path_symlink_exists_file", __wasi_path_symlink("x", ROOT, "target.txt"), __WASI_ERRNO_EXIST);
  ERR("path_symlink_exists_dir", __wasi_path_symlink("x", ROOT, "dir"), __WASI_ERRNO_EXIST);
  ERR("path_symlink_exists_link", __wasi_path_symlink("x", ROOT, "l_file"), __WASI_ERRNO_EXIST);
  ERR("path_symlink_exists_dir_trailing_slash", __wasi_path_symlink("x", ROOT, "dir/"), __WASI_ERRNO_EXIST);
  ERR("path_symlink_missing_parent", __wasi_path_symlink("x", ROOT, "nope/l"), __WASI_ERRNO_NOENT);
  ERR("path_symlink_escape", __wasi_path_symlink("x", ROOT, "../evil_link"), __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
  ERR("path_symlink_absolute_linkpath", __wasi_path_symlink("x", ROOT, "/abs_link"), __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
}

static void dangling_and_loops(void) {
  __wasi_filestat_t st;
  expect_ok("path_symlink_dangling", __wasi_path_symlink("nowhere", ROOT, "dangling"));
  ERR("path_open_follow_dangling", try_open(FOLLOW, "dangling", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOENT);
  ERR("path_open_nofollow_dangling", try_open(0, "dangling", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_LOOP);
  ERR("path_filestat_get_follow_dangling", stat_("dangling", &st), __WASI_ERRNO_NOENT);
  if (expect_ok("path_filestat_get_nofollow_dangling", lstat_("dangling", &st)))
    expect_u64("path_filestat_get_nofollow_dangling_is_link", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  check("path_readlink_dangling", readlink_is("dangling", "nowhere"), "readlink of a dangling link failed");

  expect_ok("path_symlink_self_loop", __wasi_path_symlink("loop", ROOT, "loop"));
  ERR("path_open_self_loop", try_open(FOLLOW, "loop", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_LOOP);
  ERR("path_filestat_get_self_loop", stat_("loop", &st), __WASI_ERRNO_LOOP);
  ERR("path_open_through_loop", try_open(0, "loop/x", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_LOOP);
  check("setup_symlink_pair", __wasi_path_symlink("pong", ROOT, "ping") == 0 && __wasi_path_symlink("ping", ROOT, "pong") == 0, "setup failed");
  ERR("path_open_pair_loop", try_open(FOLLOW, "ping", 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_LOOP);
  ERR("path_create_directory_through_loop", __wasi_path_create_directory(ROOT, "ping/d"), __WASI_ERRNO_LOOP);
  // Creating through a dangling link is refused here rather than creating its target.
  check("path_open_creat_nofollow_on_link_fails", try_open(0, "dangling", __WASI_OFLAGS_CREAT, R_FILE) != 0, "opened a symlink without following it");

  // A chain of links resolves (well under any loop limit).
  int ok = 1;
  for (int i = 1; i <= 8; i++) {
    char name[8], to[16];
    snprintf(name, sizeof name, "c%d", i);
    if (i < 8) snprintf(to, sizeof to, "c%d", i + 1);
    else strcpy(to, "target.txt");
    ok &= __wasi_path_symlink(to, ROOT, name) == 0;
  }
  check("setup_symlink_chain", ok, "setup failed");
  check("path_open_follows_chain", content(FOLLOW, "c1", "new"), "could not read through 8 links");
  // Relative targets resolve from the link's own directory.
  expect_ok("path_symlink_relative_up", __wasi_path_symlink("../target.txt", ROOT, "dir/up"));
  check("path_open_relative_up", content(FOLLOW, "dir/up", "new"), "dir/up -> ../target.txt not followed");
  expect_ok("path_symlink_relative_sideways", __wasi_path_symlink("inner.txt", ROOT, "dir/side"));
  check("path_open_relative_sideways", content(FOLLOW, "dir/side", "inner content"), "dir/side -> inner.txt not followed");
}

static void other_functions(void) {
  __wasi_filestat_t st, a, b;
  // Removing a link leaves its target.
  check("setup_unlink_link", __wasi_path_symlink("target.txt", ROOT, "l_gone") == 0, "setup failed");
  if (expect_ok("path_unlink_file_symlink", __wasi_path_unlink_file(ROOT, "l_gone")))
    check("path_unlink_file_symlink_keeps_target", lstat_("l_gone", &st) == __WASI_ERRNO_NOENT && content(0, "target.txt", "new"), "wrong entry removed");
  ERR("path_remove_directory_on_dir_link", __wasi_path_remove_directory(ROOT, "l_dir"), __WASI_ERRNO_NOTDIR);
  check("path_remove_directory_on_dir_link_keeps_dir", lstat_("dir", &st) == 0 && st.filetype == __WASI_FILETYPE_DIRECTORY, "dir is gone");
  check("setup_dir_link2", __wasi_path_symlink("dir", ROOT, "l_dir2") == 0, "setup failed");
  if (expect_ok("path_unlink_file_dir_link", __wasi_path_unlink_file(ROOT, "l_dir2")))
    check("path_unlink_file_dir_link_keeps_dir", content(0, "dir/inner.txt", "inner content"), "dir contents gone");

  // Renaming moves the link itself; its text is unchanged.
  check("setup_rename_link", __wasi_path_symlink("target.txt", ROOT, "l_move") == 0, "setup failed");
  if (expect_ok("path_rename_symlink", __wasi_path_rename(ROOT, "l_move", ROOT, "dir/l_moved")))
    check("path_rename_symlink_moves_link", readlink_is("dir/l_moved", "target.txt") && lstat_("l_move", &st) == __WASI_ERRNO_NOENT,
          "link text changed or old name left");

  // A hard link made without SYMLINK_FOLLOW links the symlink itself (linkat(2)).
  if (expect_ok("path_link_to_symlink", __wasi_path_link(ROOT, 0, "l_file", ROOT, "l_hard"))) {
    if (expect_ok("path_link_to_symlink_stat", lstat_("l_hard", &st)))
      expect_u64("path_link_to_symlink_is_symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    check("path_link_to_symlink_same_text", readlink_is("l_hard", "target.txt"), "readlink differs");
  }
  expect_ok("path_link_to_dangling_symlink", __wasi_path_link(ROOT, 0, "dangling", ROOT, "dangling_hard"));
  check("setup_link_follow_dangling", __wasi_path_symlink("nowhere_else", ROOT, "dangling2") == 0, "setup failed");
  ERR("path_link_follow_dangling", __wasi_path_link(ROOT, FOLLOW, "dangling2", ROOT, "dangling_hard2"), __WASI_ERRNO_NOENT, __WASI_ERRNO_INVAL);
  ERR("path_link_target_is_dangling_symlink", __wasi_path_link(ROOT, 0, "target.txt", ROOT, "dangling"), __WASI_ERRNO_EXIST);

  // Times: without FOLLOW the link's own, with FOLLOW the target's.
  if (lstat_("target.txt", &a) == 0 && expect_ok("path_filestat_set_times_nofollow",
      __wasi_path_filestat_set_times(ROOT, 0, "l_file", 0, 1000000000ull * SEC, __WASI_FSTFLAGS_MTIM))) {
    if (lstat_("l_file", &st) == 0) expect_u64("path_filestat_set_times_nofollow_sets_link", st.mtim, 1000000000ull * SEC);
    if (lstat_("target.txt", &b) == 0) expect_u64("path_filestat_set_times_nofollow_keeps_target", b.mtim, a.mtim);
  }
  if (expect_ok("path_filestat_set_times_follow", __wasi_path_filestat_set_times(ROOT, FOLLOW, "l_file", 0, 1100000000ull * SEC, __WASI_FSTFLAGS_MTIM)) &&
      lstat_("target.txt", &b) == 0)
    expect_u64("path_filestat_set_times_follow_sets_target", b.mtim, 1100000000ull * SEC);

  // Through libc, with absolute paths mapped to the root preopen.
  check("libc_symlink", symlink("target.txt", "/libc_link") == 0, "symlink() failed");
  char buf[64];
  ssize_t n = readlink("/libc_link", buf, sizeof buf);
  expect_str("libc_readlink", buf, n < 0 ? 0 : (size_t)n, "target.txt");
  check("libc_unlink_link", unlink("/libc_link") == 0, "unlink() failed");
}

int main(void) {
  basics();
  dangling_and_loops();
  other_functions();
  return done();
}

// Writes against a read-only bind. The runner binds T/root at / and T/rotree at
// /ro read-only (--dir T/rotree::/ro:ro); T/rotree holds file.txt ("read-only
// content\n"), dir/nested.txt, emptydir/, and symlinks rel_out -> ../secret.txt,
// abs_out -> T/secret.txt, up_dir -> .., ok_link -> file.txt; T/root holds
// inside.txt and to_ro -> ro/file.txt. Reads under /ro work; every write fails
// with EROFS, EPERM or ENOTCAPABLE (EXDEV too where a rename or link crosses out of
// the bind), and the runner checks afterwards that T/rotree is unchanged on disk.
#include "check.h"

#define ROOT 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define RO __WASI_ERRNO_ROFS, __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE
#define ESC __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE
#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_META (R_READ | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ALLOCATE | \
  __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC)
#define R_WRITE (R_READ | __WASI_RIGHTS_FD_WRITE)
#define R_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET | \
  __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_SYMLINK)

// Opening must fail with one of want (0-terminated); if it opens, the fd is closed
// and the check fails (a write fd on a read-only bind must not exist).
static void deny(const char *name, __wasi_lookupflags_t lf, const char *path, __wasi_oflags_t of, __wasi_rights_t r, const int *want) {
  __wasi_fd_t fd = -1;
  __wasi_errno_t e = __wasi_path_open(ROOT, lf, path, of, r, r, 0, &fd);
  if (e == 0) {
    uint8_t buf[96];
    __wasi_iovec_t iov = {buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (__wasi_fd_read(fd, &iov, 1, &n) != 0) n = 0;
    buf[n] = 0;
    printf("# %s opened %s; it holds: %s\n", name, path, (char *)buf);
    (void)__wasi_fd_close(fd);
    check(name, 0, "opened %s", path);
    return;
  }
  int good = 0;
  for (const int *w = want; *w; w++) good |= *w == e;
  check(name, good, "got errno %d", e);
}
static const int ro[] = {RO, 0};
static const int ro_or_missing[] = {RO, __WASI_ERRNO_NOENT, 0};
static const int confined[] = {ESC, __WASI_ERRNO_NOENT, 0};
static const int esc[] = {ESC, 0};

static void reads(void) {
  __wasi_fd_t fd;
  char buf[64];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  if (expect_ok("ro_read_file", __wasi_path_open(ROOT, 0, "ro/file.txt", 0, R_READ, R_READ, 0, &fd))) {
    expect_str("ro_read_file_content", buf, __wasi_fd_read(fd, &iov, 1, &n) ? 0 : n, "read-only content\n");
    (void)__wasi_fd_close(fd);
  }
  if (expect_ok("ro_read_through_inside_link", __wasi_path_open(ROOT, FOLLOW, "ro/ok_link", 0, R_READ, R_READ, 0, &fd))) (void)__wasi_fd_close(fd);
  __wasi_filestat_t st;
  if (expect_ok("ro_stat_nested", __wasi_path_filestat_get(ROOT, 0, "ro/dir/nested.txt", &st))) expect_u64("ro_stat_nested_size", st.size, 17);
  uint8_t dbuf[2048];
  __wasi_size_t used = 0;
  if (expect_ok("ro_open_dir", __wasi_path_open(ROOT, 0, "ro", __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR | R_META, 0, &fd))) {
    int names = 0;
    if (expect_ok("ro_readdir", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, 0, &used))) {
      for (size_t off = 0; off + 24 <= used;) {
        uint32_t len;
        memcpy(&len, dbuf + off + 16, 4);
        if (off + 24 + len > used) break;
        const char *nm = (const char *)dbuf + off + 24;
        names += (len == 8 && memcmp(nm, "file.txt", 8) == 0) + (len == 3 && memcmp(nm, "dir", 3) == 0) + (len == 8 && memcmp(nm, "emptydir", 8) == 0);
        off += 24 + len;
      }
      check("ro_readdir_lists_bind", names == 3, "found %d of file.txt, dir, emptydir", names);
    }
    // Through a directory fd inside the bind: still read-only, still confined.
    ERR("ro_dirfd_create_directory", __wasi_path_create_directory(fd, "made_via_fd"), RO);
    __wasi_fd_t f2;
    ERR("ro_dirfd_create_file", __wasi_path_open(fd, 0, "made_via_fd.txt", __WASI_OFLAGS_CREAT, R_WRITE, R_WRITE, 0, &f2), RO);
    ERR("ro_dirfd_unlink", __wasi_path_unlink_file(fd, "file.txt"), RO);
    ERR("ro_dirfd_symlink", __wasi_path_symlink("file.txt", fd, "made_link"), RO);
    ERR("ro_dirfd_parent", __wasi_path_open(fd, 0, "../inside.txt", 0, R_READ, R_READ, 0, &f2), ESC);
    (void)__wasi_fd_close(fd);
  }
}

static void path_writes(void) {
  deny("ro_create_file", 0, "ro/new.txt", __WASI_OFLAGS_CREAT, R_WRITE, ro);
  deny("ro_create_file_excl", 0, "ro/new2.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_WRITE, ro);
  deny("ro_create_in_subdir", 0, "ro/dir/new.txt", __WASI_OFLAGS_CREAT, R_WRITE, ro);
  deny("ro_open_for_write", 0, "ro/file.txt", 0, R_WRITE, ro);
  deny("ro_open_truncate", 0, "ro/file.txt", __WASI_OFLAGS_TRUNC, R_READ, ro);
  deny("ro_open_truncate_for_write", 0, "ro/file.txt", __WASI_OFLAGS_TRUNC, R_WRITE, ro);
  deny("ro_open_for_write_through_inside_link", FOLLOW, "ro/ok_link", 0, R_WRITE, ro);
  // A link in the writable root that leads into the bind does not make it writable.
  deny("ro_open_for_write_through_root_link", FOLLOW, "to_ro", 0, R_WRITE, ro_or_missing);
  ERR("ro_create_directory", __wasi_path_create_directory(ROOT, "ro/newdir"), RO);
  ERR("ro_create_directory_nested", __wasi_path_create_directory(ROOT, "ro/dir/newdir"), RO);
  ERR("ro_remove_directory", __wasi_path_remove_directory(ROOT, "ro/emptydir"), RO);
  ERR("ro_unlink_file", __wasi_path_unlink_file(ROOT, "ro/file.txt"), RO);
  ERR("ro_unlink_nested", __wasi_path_unlink_file(ROOT, "ro/dir/nested.txt"), RO);
  ERR("ro_unlink_symlink", __wasi_path_unlink_file(ROOT, "ro/ok_link"), RO);
  ERR("ro_rename_within", __wasi_path_rename(ROOT, "ro/file.txt", ROOT, "ro/renamed.txt"), RO);
  ERR("ro_rename_dir_within", __wasi_path_rename(ROOT, "ro/dir", ROOT, "ro/dir2"), RO);
  ERR("ro_rename_out_of_bind", __wasi_path_rename(ROOT, "ro/file.txt", ROOT, "moved_out.txt"), RO, __WASI_ERRNO_XDEV);
  ERR("ro_rename_into_bind", __wasi_path_rename(ROOT, "inside.txt", ROOT, "ro/moved_in.txt"), RO, __WASI_ERRNO_XDEV);
  ERR("ro_rename_over_file", __wasi_path_rename(ROOT, "inside.txt", ROOT, "ro/file.txt"), RO, __WASI_ERRNO_XDEV);
  ERR("ro_symlink_create", __wasi_path_symlink("file.txt", ROOT, "ro/new_link"), RO);
  ERR("ro_link_within", __wasi_path_link(ROOT, 0, "ro/file.txt", ROOT, "ro/hard.txt"), RO);
  // A hard link from the bind into the writable root would make the file writable.
  ERR("ro_link_out_of_bind", __wasi_path_link(ROOT, 0, "ro/file.txt", ROOT, "hard_out.txt"), RO, __WASI_ERRNO_XDEV);
  ERR("ro_link_into_bind", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "ro/hard_in.txt"), RO, __WASI_ERRNO_XDEV);
  ERR("ro_set_times", __wasi_path_filestat_set_times(ROOT, 0, "ro/file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), RO);
  ERR("ro_set_times_follow", __wasi_path_filestat_set_times(ROOT, FOLLOW, "ro/ok_link", 0, 0, __WASI_FSTFLAGS_ATIM_NOW), RO);
  ERR("ro_set_times_dir", __wasi_path_filestat_set_times(ROOT, 0, "ro/dir", 1000000000ull * 1000000000ull, 0, __WASI_FSTFLAGS_ATIM), RO);
  __wasi_filestat_t st;
  check("ro_failed_writes_left_no_entries", __wasi_path_filestat_get(ROOT, 0, "ro/new.txt", &st) != 0 &&
        __wasi_path_filestat_get(ROOT, 0, "ro/newdir", &st) != 0 && __wasi_path_filestat_get(ROOT, 0, "ro/renamed.txt", &st) != 0 &&
        __wasi_path_filestat_get(ROOT, 0, "hard_out.txt", &st) != 0 && __wasi_path_filestat_get(ROOT, 0, "moved_out.txt", &st) != 0,
        "an entry appeared");
}

// The rights wasi-libc asks for on open(O_RDONLY): all but DATASYNC, WRITE,
// ALLOCATE and FILESTAT_SET_SIZE (masked by the directory's inheriting rights).
#define R_LIBC_RDONLY (R_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | \
  __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_POLL_FD_READWRITE)

static void fd_writes(void) {
  __wasi_fd_t fd;
  // Asking for write-like rights on a read-only bind: refused, or granted on an fd
  // that still cannot write (the checks below run on such an fd either way).
  __wasi_errno_t e = __wasi_path_open(ROOT, 0, "ro/file.txt", 0, R_META, R_META, 0, &fd);
  ERR("ro_open_read_with_write_like_rights", e, 0, RO);
  if (e == 0) (void)__wasi_fd_close(fd);
  // What a libc fopen(path, "r") asks for must be granted.
  if (!expect_ok("ro_open_read_with_libc_rights", __wasi_path_open(ROOT, 0, "ro/file.txt", 0, R_LIBC_RDONLY, R_LIBC_RDONLY, 0, &fd))) return;
  __wasi_ciovec_t iov = {(const uint8_t *)"XX", 2};
  __wasi_size_t n;
  ERR("ro_fd_write", __wasi_fd_write(fd, &iov, 1, &n), RO, __WASI_ERRNO_BADF);
  ERR("ro_fd_pwrite", __wasi_fd_pwrite(fd, &iov, 1, 0, &n), RO, __WASI_ERRNO_BADF);
  ERR("ro_fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0), RO, __WASI_ERRNO_BADF, __WASI_ERRNO_INVAL);
  ERR("ro_fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), RO, __WASI_ERRNO_BADF);
  ERR("ro_fd_allocate", __wasi_fd_allocate(fd, 0, 4096), RO, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTSUP);
  __wasi_fdstat_t fs;
  if (__wasi_fd_fdstat_get(fd, &fs) == 0) {
    ERR("ro_fd_add_write_right", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base | __WASI_RIGHTS_FD_WRITE, fs.fs_rights_inheriting),
        __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_NOTSUP);
    check("ro_fd_reports_no_write_right", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0, "rights %llx", (unsigned long long)fs.fs_rights_base);
  }
  if (__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND) == 0) ERR("ro_fd_write_after_append_flag", __wasi_fd_write(fd, &iov, 1, &n), RO, __WASI_ERRNO_BADF);
  else check("ro_fd_write_after_append_flag", 1, "");
  (void)__wasi_fd_close(fd);

  // And through libc itself.
  FILE *f = fopen("/ro/file.txt", "r");
  char line[64] = "";
  check("ro_libc_fopen_read", f && fgets(line, sizeof line, f) && strcmp(line, "read-only content\n") == 0, "got \"%s\"", line);
  if (f) fclose(f);
  f = fopen("/ro/file.txt", "r+");
  check("ro_libc_fopen_update_refused", f == NULL, "fopen r+ succeeded");
  if (f) fclose(f);
  f = fopen("/ro/libc_new.txt", "w");
  check("ro_libc_fopen_create_refused", f == NULL, "fopen w succeeded");
  if (f) fclose(f);
}

static void escapes(void) {
  // Links in the bind lead nowhere outside the namespace. Resolving them inside the
  // namespace (where /ro/.. is /) may find nothing (ENOENT); leaving it is refused.
  deny("ro_escape_relative_symlink", FOLLOW, "ro/rel_out", 0, R_READ, confined);
  deny("ro_escape_absolute_symlink", FOLLOW, "ro/abs_out", 0, R_READ, esc);
  deny("ro_escape_up_dir_symlink", 0, "ro/up_dir/secret.txt", 0, R_READ, confined);
  deny("ro_escape_up_dir_into_rotree", 0, "ro/up_dir/rotree/file.txt", __WASI_OFLAGS_TRUNC, R_WRITE, confined);
  deny("ro_escape_write_relative_symlink", FOLLOW, "ro/rel_out", __WASI_OFLAGS_TRUNC, R_WRITE, ro_or_missing);
  deny("ro_escape_dotdot", 0, "ro/../../secret.txt", 0, R_READ, esc);
}

int main(void) {
  reads();
  path_writes();
  fd_writes();
  escapes();
  return done();
}

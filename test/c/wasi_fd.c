// fd_* on files, directories and stdio: fd_read, fd_write, fd_pread, fd_pwrite,
// fd_seek, fd_tell, fd_close, fd_renumber, fd_fdstat_get, fd_fdstat_set_flags,
// fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size,
// fd_filestat_set_times, fd_advise, fd_allocate, fd_datasync, fd_sync,
// fd_prestat_get, fd_prestat_dir_name.
// The runner binds a fresh directory at / holding planted.txt ("planted by host\n"),
// feeds "stdin for wasi_fd\n" on stdin, and afterwards expects from_guest.txt to
// hold "written by guest\n" and the two marker lines on stdout and stderr.
#include "check.h"

#define ROOT 3
#define SEC 1000000000ull
#define R_FILE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
  __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | \
  __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC | \
  __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE)
#define DIR_ERRS __WASI_ERRNO_ISDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE
#define NOT_ALLOWED __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_errno_t *err) {
  __wasi_fd_t fd = -1;
  __wasi_errno_t e = __wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights, fdflags, &fd);
  if (err) *err = e;
  return e ? -1 : fd;
}
static __wasi_errno_t write1(__wasi_fd_t fd, const void *p, size_t n, __wasi_size_t *done_) {
  __wasi_ciovec_t iov = {p, n};
  return __wasi_fd_write(fd, &iov, 1, done_);
}
static __wasi_errno_t read1(__wasi_fd_t fd, void *p, size_t n, __wasi_size_t *done_) {
  __wasi_iovec_t iov = {p, n};
  return __wasi_fd_read(fd, &iov, 1, done_);
}
static __wasi_errno_t pread1(__wasi_fd_t fd, void *p, size_t n, uint64_t off, __wasi_size_t *done_) {
  __wasi_iovec_t iov = {p, n};
  return __wasi_fd_pread(fd, &iov, 1, off, done_);
}
static __wasi_errno_t pwrite1(__wasi_fd_t fd, const void *p, size_t n, uint64_t off, __wasi_size_t *done_) {
  __wasi_ciovec_t iov = {p, n};
  return __wasi_fd_pwrite(fd, &iov, 1, off, done_);
}
// Writes may be short (POSIX writev); these loop like libc does.
static int write_all(__wasi_fd_t fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n) {
    __wasi_size_t k = 0;
    if (write1(fd, b, n, &k) || k == 0) return 0;
    b += k, n -= k;
  }
  return 1;
}
static long pread_all(__wasi_fd_t fd, void *p, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    __wasi_size_t k = 0;
    if (pread1(fd, (uint8_t *)p + got, n - got, off + got, &k)) return -1;
    if (k == 0) break;
    got += k;
  }
  return (long)got;
}
static uint64_t size_of(__wasi_fd_t fd) {
  __wasi_filestat_t st;
  return __wasi_fd_filestat_get(fd, &st) ? UINT64_MAX : st.size;
}
static uint64_t tell(__wasi_fd_t fd) {
  __wasi_filesize_t pos = 0;
  return __wasi_fd_tell(fd, &pos) ? UINT64_MAX : pos;
}
static uint64_t now_ns(void) {
  __wasi_timestamp_t t = 0;
  return __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t) ? 0 : t;
}

static void prestat(void) {
  __wasi_prestat_t ps;
  memset(&ps, 0xff, sizeof ps);
  if (expect_ok("fd_prestat_get_root", __wasi_fd_prestat_get(ROOT, &ps))) {
    expect_u64("fd_prestat_get_root_is_dir", ps.tag, __WASI_PREOPENTYPE_DIR);
    expect_u64("fd_prestat_get_root_name_len", ps.u.dir.pr_name_len, 1);
  }
  char name[8];
  memset(name, '#', sizeof name);
  if (expect_ok("fd_prestat_dir_name_root", __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, 1)))
    check("fd_prestat_dir_name_root_is_slash", name[0] == '/' && name[1] == '#', "got \"%.2s\"", name);
  ERR("fd_prestat_dir_name_buffer_too_small", __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, 0),
      __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_INVAL);
  // Exactly one preopen: fd 4 and up are not preopens (wasi-libc stops scanning at EBADF).
  ERR("fd_prestat_get_single_preopen", __wasi_fd_prestat_get(4, &ps), __WASI_ERRNO_BADF);
  ERR("fd_prestat_get_stdin", __wasi_fd_prestat_get(0, &ps), __WASI_ERRNO_BADF);
}

static void stdio(void) {
  __wasi_fdstat_t st;
  if (expect_ok("fd_fdstat_get_stdin", __wasi_fd_fdstat_get(0, &st)))
    check("fd_fdstat_get_stdin_readable", (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, "rights %llx", (unsigned long long)st.fs_rights_base);
  if (expect_ok("fd_fdstat_get_stdout", __wasi_fd_fdstat_get(1, &st)))
    check("fd_fdstat_get_stdout_writable", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "rights %llx", (unsigned long long)st.fs_rights_base);
  if (expect_ok("fd_fdstat_get_stderr", __wasi_fd_fdstat_get(2, &st)))
    check("fd_fdstat_get_stderr_writable", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "rights %llx", (unsigned long long)st.fs_rights_base);

  char buf[256];
  size_t got = 0;
  __wasi_errno_t e = 0;
  for (;;) {
    __wasi_size_t k = 0;
    if ((e = read1(0, buf + got, sizeof buf - got, &k)) || k == 0) break;
    got += k;
  }
  expect_ok("fd_read_stdin", e);
  expect_str("fd_read_stdin_content", buf, got, "stdin for wasi_fd\n");
  __wasi_size_t k = 99;
  if (expect_ok("fd_read_stdin_at_eof", read1(0, buf, sizeof buf, &k))) expect_u64("fd_read_stdin_eof_is_zero", k, 0);

  const char *out = "marker-stdout wasi_fd\n", *err = "marker-stderr wasi_fd\n";
  fflush(stdout);
  if (expect_ok("fd_write_stdout", write1(1, out, strlen(out), &k))) expect_u64("fd_write_stdout_count", k, strlen(out));
  if (expect_ok("fd_write_stderr", write1(2, err, strlen(err), &k))) expect_u64("fd_write_stderr_count", k, strlen(err));

  // Streams have no offset (wasmtime and POSIX pipes: ESPIPE).
  __wasi_filesize_t pos;
  ERR("fd_seek_stdin_spipe", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
  ERR("fd_tell_stdout_spipe", __wasi_fd_tell(1, &pos), __WASI_ERRNO_SPIPE);
  ERR("fd_pread_stdin_spipe", pread1(0, buf, 4, 0, &k), __WASI_ERRNO_SPIPE);
  ERR("fd_pwrite_stdout_spipe", pwrite1(1, "x", 1, 0, &k), __WASI_ERRNO_SPIPE);
  ERR("fd_write_stdin_not_writable", write1(0, "x", 1, &k), NOT_ALLOWED);
  // (No fd_read on stdout: where stdio is a host socketpair that read would block.)
}

static void file_io(void) {
  __wasi_errno_t e;
  __wasi_fd_t fd = open_file("data.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e);
  if (!expect_ok("path_open_create_for_io", e)) return;
  check("path_open_new_fd_above_preopen", fd > ROOT, "fd %d", fd);

  __wasi_fdstat_t fs;
  if (expect_ok("fd_fdstat_get_file", __wasi_fd_fdstat_get(fd, &fs))) {
    expect_u64("fd_fdstat_get_file_type", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
    expect_u64("fd_fdstat_get_file_flags", fs.fs_flags, 0);
    check("fd_fdstat_get_file_rights", (fs.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) ==
          (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), "rights %llx", (unsigned long long)fs.fs_rights_base);
  }

  // Gather write: may be short, but what it wrote is a prefix of the concatenation.
  __wasi_ciovec_t gather[3] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"", 0}, {(const uint8_t *)"world\n", 6}};
  __wasi_size_t n = 0;
  if (expect_ok("fd_write_gather", __wasi_fd_write(fd, gather, 3, &n))) {
    check("fd_write_gather_count", n >= 1 && n <= 12, "wrote %u of 12", (unsigned)n);
    if (n < 12) write_all(fd, &"hello world\n"[n], 12 - n);
  }
  expect_u64("fd_tell_after_write", tell(fd), 12);
  char buf[128];
  long got = pread_all(fd, buf, sizeof buf, 0);
  expect_str("fd_write_gather_content", buf, got < 0 ? 0 : (size_t)got, "hello world\n");

  __wasi_filesize_t pos = 99;
  if (expect_ok("fd_seek_set_zero", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos))) expect_u64("fd_seek_set_zero_result", pos, 0);
  // Scatter read: fills the buffers in order; may be short.
  char a[5], b[1], c[100];
  __wasi_iovec_t scatter[3] = {{(uint8_t *)a, 5}, {(uint8_t *)b, 0}, {(uint8_t *)c, 100}};
  if (expect_ok("fd_read_scatter", __wasi_fd_read(fd, scatter, 3, &n))) {
    char joined[128];
    size_t k = n < 5 ? n : 5;
    memcpy(joined, a, k);
    if (n > 5) memcpy(joined + 5, c, n - 5);
    check("fd_read_scatter_prefix", n >= 1 && n <= 12 && memcmp(joined, "hello world\n", n) == 0, "read %u bytes \"%.*s\"", (unsigned)n, (int)n, joined);
  }
  if (expect_ok("fd_seek_set_zero_again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos))) {
    size_t total = 0;
    for (;;) {
      if (read1(fd, buf + total, 3, &n) || n == 0) break;
      total += n;
    }
    expect_str("fd_read_sequential_content", buf, total, "hello world\n");
    n = 99;
    if (expect_ok("fd_read_at_eof", read1(fd, buf, 10, &n))) expect_u64("fd_read_at_eof_zero", n, 0);
  }

  if (expect_ok("fd_seek_cur_back", __wasi_fd_seek(fd, -6, __WASI_WHENCE_CUR, &pos))) expect_u64("fd_seek_cur_back_result", pos, 6);
  if (expect_ok("fd_seek_end", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos))) expect_u64("fd_seek_end_result", pos, 12);
  if (expect_ok("fd_seek_end_minus_one", __wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &pos))) expect_u64("fd_seek_end_minus_one_result", pos, 11);
  ERR("fd_seek_set_negative", __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL);
  ERR("fd_seek_cur_before_start", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
  ERR("fd_seek_bad_whence", __wasi_fd_seek(fd, 0, 3, &pos), __WASI_ERRNO_INVAL);
  expect_u64("fd_seek_failed_keeps_offset", tell(fd), 11);

  // Seeking past the end and writing leaves a hole of zeros.
  if (expect_ok("fd_seek_past_end", __wasi_fd_seek(fd, 20, __WASI_WHENCE_SET, &pos))) {
    check("fd_write_past_end", write_all(fd, "X", 1), "write failed");
    expect_u64("fd_write_past_end_size", size_of(fd), 21);
    memset(buf, 1, sizeof buf);
    got = pread_all(fd, buf, 8, 12);
    check("fd_write_past_end_hole_zero", got == 8 && memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0, "hole not zero-filled (%ld bytes)", got);
  }

  // pread/pwrite do not move the offset.
  expect_u64("fd_tell_before_pread", tell(fd), 21);
  if (expect_ok("fd_pread", pread1(fd, buf, 5, 6, &n))) expect_str("fd_pread_content", buf, n, "world");
  if (expect_ok("fd_pread_past_end", pread1(fd, buf, 5, 1000, &n))) expect_u64("fd_pread_past_end_zero", n, 0);
  if (expect_ok("fd_pwrite", pwrite1(fd, "HELLO", 5, 0, &n))) expect_u64("fd_pwrite_count", n, 5);
  expect_u64("fd_pread_pwrite_keep_offset", tell(fd), 21);
  got = pread_all(fd, buf, 11, 0);
  expect_str("fd_pwrite_content", buf, got < 0 ? 0 : (size_t)got, "HELLO world");
  if (expect_ok("fd_pwrite_past_end", pwrite1(fd, "Z", 1, 30, &n))) expect_u64("fd_pwrite_past_end_size", size_of(fd), 31);

  // fd_filestat_get agrees with path_filestat_get; distinct files have distinct inodes.
  __wasi_filestat_t st, pst, ost;
  if (expect_ok("fd_filestat_get", __wasi_fd_filestat_get(fd, &st))) {
    expect_u64("fd_filestat_get_type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    expect_u64("fd_filestat_get_size", st.size, 31);
    expect_u64("fd_filestat_get_nlink", st.nlink, 1);
    if (expect_ok("path_filestat_get_same_file", __wasi_path_filestat_get(ROOT, 0, "data.txt", &pst)))
      check("fd_filestat_get_matches_path", st.ino == pst.ino && st.dev == pst.dev && st.size == pst.size,
            "ino %llu/%llu dev %llu/%llu", (unsigned long long)st.ino, (unsigned long long)pst.ino, (unsigned long long)st.dev, (unsigned long long)pst.dev);
    __wasi_fd_t other = open_file("other.txt", __WASI_OFLAGS_CREAT, R_FILE, 0, &e);
    if (expect_ok("path_open_second_file", e) && expect_ok("fd_filestat_get_second_file", __wasi_fd_filestat_get(other, &ost)))
      check("fd_filestat_get_distinct_inodes", ost.dev == st.dev && ost.ino != st.ino, "same dev and ino for two files");
    if (other >= 0) expect_ok("fd_close_second_file", __wasi_fd_close(other));
  }

  // fd_filestat_set_size truncates and extends with zeros.
  if (expect_ok("fd_filestat_set_size_shrink", __wasi_fd_filestat_set_size(fd, 5))) {
    expect_u64("fd_filestat_set_size_shrink_size", size_of(fd), 5);
    got = pread_all(fd, buf, sizeof buf, 0);
    expect_str("fd_filestat_set_size_shrink_content", buf, got < 0 ? 0 : (size_t)got, "HELLO");
  }
  if (expect_ok("fd_filestat_set_size_grow", __wasi_fd_filestat_set_size(fd, 100))) {
    expect_u64("fd_filestat_set_size_grow_size", size_of(fd), 100);
    memset(buf, 1, sizeof buf);
    got = pread_all(fd, buf, 95, 5);
    int zeros = got == 95;
    for (long i = 0; i < got; i++) zeros &= buf[i] == 0;
    check("fd_filestat_set_size_grow_zero_filled", zeros, "extension not zero-filled");
  }
  expect_u64("fd_filestat_set_size_keeps_offset", tell(fd), 21);

  // Times: exact values (whole seconds, so any host timestamp precision holds them).
  const uint64_t at = 1000000000ull * SEC, mt = 1500000000ull * SEC;
  if (expect_ok("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, at, mt, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM)) &&
      expect_ok("fd_filestat_get_after_set_times", __wasi_fd_filestat_get(fd, &st))) {
    expect_u64("fd_filestat_set_times_atim", st.atim, at);
    expect_u64("fd_filestat_set_times_mtim", st.mtim, mt);
  }
  if (expect_ok("fd_filestat_set_times_mtim_only", __wasi_fd_filestat_set_times(fd, 0, 1200000000ull * SEC, __WASI_FSTFLAGS_MTIM)) &&
      __wasi_fd_filestat_get(fd, &st) == 0) {
    expect_u64("fd_filestat_set_times_mtim_only_mtim", st.mtim, 1200000000ull * SEC);
    expect_u64("fd_filestat_set_times_mtim_only_keeps_atim", st.atim, at);
  }
  if (expect_ok("fd_filestat_set_times_atim_now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW)) &&
      __wasi_fd_filestat_get(fd, &st) == 0) {
    uint64_t now = now_ns();
    check("fd_filestat_set_times_atim_now_is_now", st.atim + 5 * SEC > now && st.atim < now + 5 * SEC,
          "atim %llu now %llu", (unsigned long long)st.atim, (unsigned long long)now);
    expect_u64("fd_filestat_set_times_atim_now_keeps_mtim", st.mtim, 1200000000ull * SEC);
  }
  ERR("fd_filestat_set_times_mtim_and_now", __wasi_fd_filestat_set_times(fd, 0, 7 * SEC, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  ERR("fd_filestat_set_times_atim_and_now", __wasi_fd_filestat_set_times(fd, 7 * SEC, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  if (__wasi_fd_filestat_get(fd, &st) == 0) expect_u64("fd_filestat_set_times_invalid_changes_nothing", st.mtim, 1200000000ull * SEC);
  expect_ok("fd_filestat_set_times_no_flags", __wasi_fd_filestat_set_times(fd, 0, 0, 0));

  // Advice is only a hint, but must be one of the six values.
  int advice_ok = 1;
  for (int adv = __WASI_ADVICE_NORMAL; adv <= __WASI_ADVICE_NOREUSE; adv++) advice_ok &= __wasi_fd_advise(fd, 0, 100, adv) == 0;
  check("fd_advise_all_values", advice_ok, "some advice value was refused");
  ERR("fd_advise_bad_value", __wasi_fd_advise(fd, 0, 100, 6), __WASI_ERRNO_INVAL);
  expect_u64("fd_advise_keeps_size", size_of(fd), 100);

  // fd_allocate either reserves (growing the file) or is unsupported (wasmtime).
  e = __wasi_fd_allocate(fd, 0, 200);
  if (ERR("fd_allocate_ok_or_notsup", e, 0, __WASI_ERRNO_NOTSUP) && e == 0) {
    expect_u64("fd_allocate_grows", size_of(fd), 200);
    if (expect_ok("fd_allocate_inside", __wasi_fd_allocate(fd, 10, 10))) expect_u64("fd_allocate_inside_keeps_size", size_of(fd), 200);
  }
  expect_ok("fd_datasync", __wasi_fd_datasync(fd));
  expect_ok("fd_sync", __wasi_fd_sync(fd));
  expect_ok("fd_close", __wasi_fd_close(fd));
  ERR("fd_close_twice", __wasi_fd_close(fd), __WASI_ERRNO_BADF);
  ERR("fd_read_after_close", read1(fd, buf, 1, &n), __WASI_ERRNO_BADF);
  ERR("fd_fdstat_get_after_close", __wasi_fd_fdstat_get(fd, &fs), __WASI_ERRNO_BADF);
}

static void append_mode(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_fdstat_t fs;
  char buf[64];
  __wasi_fd_t fd = open_file("append.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, __WASI_FDFLAGS_APPEND, &e);
  if (!expect_ok("path_open_append", e)) return;
  if (expect_ok("fd_fdstat_get_append", __wasi_fd_fdstat_get(fd, &fs)))
    check("path_open_append_flag_reported", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0, "flags %x", fs.fs_flags);
  write_all(fd, "0123", 4);
  // Every write goes to the end, whatever the offset.
  if (__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos) == 0 && write_all(fd, "ab", 2)) {
    long got = pread_all(fd, buf, sizeof buf, 0);
    expect_str("fd_write_append_goes_to_end", buf, got < 0 ? 0 : (size_t)got, "0123ab");
    expect_u64("fd_write_append_offset_at_end", tell(fd), 6);
  }
  // fd_pwrite on an append fd: POSIX writes at the offset, Linux appends; both keep the offset.
  if (expect_ok("fd_pwrite_append", pwrite1(fd, "Z", 1, 0, &n))) {
    uint64_t size = size_of(fd);
    check("fd_pwrite_append_size", size == 6 || size == 7, "size %llu", (unsigned long long)size);
    expect_u64("fd_pwrite_append_keeps_offset", tell(fd), 6);
  }
  // Clearing APPEND makes writes positional again.
  if (expect_ok("fd_fdstat_set_flags_clear", __wasi_fd_fdstat_set_flags(fd, 0))) {
    if (__wasi_fd_fdstat_get(fd, &fs) == 0) expect_u64("fd_fdstat_set_flags_clear_reported", fs.fs_flags & __WASI_FDFLAGS_APPEND, 0);
    uint64_t size = size_of(fd);
    if (__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos) == 0 && write_all(fd, "X", 1)) {
      check("fd_write_after_clear_is_positional", size_of(fd) == size && pread_all(fd, buf, 2, 0) == 2 && buf[1] == 'X',
            "write did not land at offset 1");
    }
  }
  // Setting APPEND on an open fd.
  if (expect_ok("fd_fdstat_set_flags_append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND))) {
    if (__wasi_fd_fdstat_get(fd, &fs) == 0) check("fd_fdstat_set_flags_append_reported", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0, "flags %x", fs.fs_flags);
    uint64_t size = size_of(fd);
    if (__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos) == 0 && write_all(fd, "END", 3)) {
      long got = pread_all(fd, buf, 3, size);
      check("fd_write_after_set_append_goes_to_end", size_of(fd) == size + 3 && got == 3 && memcmp(buf, "END", 3) == 0, "not appended");
    }
  }
  expect_ok("fd_close_append", __wasi_fd_close(fd));
}

static void rights(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_fdstat_t fs;
  char buf[16];
  // Opening with only FD_READ yields an fd that cannot write, and the reverse.
  __wasi_filestat_t pst, pre;
  pre.size = UINT64_MAX;
  expect_ok("path_filestat_get_before_read_only", __wasi_path_filestat_get(ROOT, 0, "data.txt", &pre));
  __wasi_fd_t ro = open_file("data.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, &e);
  if (expect_ok("path_open_read_only", e)) {
    if (__wasi_fd_fdstat_get(ro, &fs) == 0)
      check("path_open_read_only_no_write_right", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0, "rights %llx", (unsigned long long)fs.fs_rights_base);
    ERR("fd_write_read_only", write1(ro, "x", 1, &n), NOT_ALLOWED);
    ERR("fd_pwrite_read_only", pwrite1(ro, "x", 1, 0, &n), NOT_ALLOWED);
    ERR("fd_filestat_set_size_read_only", __wasi_fd_filestat_set_size(ro, 0), NOT_ALLOWED, __WASI_ERRNO_INVAL);
    if (expect_ok("path_filestat_get_read_only_file", __wasi_path_filestat_get(ROOT, 0, "data.txt", &pst)))
      expect_u64("fd_write_read_only_changes_nothing", pst.size, pre.size);
    expect_ok("fd_close_read_only", __wasi_fd_close(ro));
  }
  __wasi_fd_t wo = open_file("data.txt", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, &e);
  if (expect_ok("path_open_write_only", e)) {
    if (__wasi_fd_fdstat_get(wo, &fs) == 0)
      check("path_open_write_only_no_read_right", (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) == 0, "rights %llx", (unsigned long long)fs.fs_rights_base);
    ERR("fd_read_write_only", read1(wo, buf, 4, &n), NOT_ALLOWED);
    ERR("fd_pread_write_only", pread1(wo, buf, 4, 0, &n), NOT_ALLOWED);
    expect_ok("fd_close_write_only", __wasi_fd_close(wo));
  }

  // fd_fdstat_set_rights may only remove rights. wasmtime does not implement it
  // (ENOTSUP); an implementation that does must then enforce the smaller set.
  __wasi_fd_t fd = open_file("data.txt", 0, R_FILE, 0, &e);
  if (!expect_ok("path_open_for_rights", e)) return;
  __wasi_fdstat_t before;
  if (__wasi_fd_fdstat_get(fd, &before) != 0) return;
  __wasi_rights_t fewer = before.fs_rights_base & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE;
  e = __wasi_fd_fdstat_set_rights(fd, fewer, before.fs_rights_inheriting & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE);
  if (ERR("fd_fdstat_set_rights_drop_or_notsup", e, 0, __WASI_ERRNO_NOTSUP) && e == 0) {
    if (__wasi_fd_fdstat_get(fd, &fs) == 0)
      check("fd_fdstat_set_rights_reported", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0 && (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
            "rights %llx", (unsigned long long)fs.fs_rights_base);
    ERR("fd_write_after_rights_dropped", write1(fd, "x", 1, &n), NOT_ALLOWED);
    check("fd_read_after_rights_dropped", pread1(fd, buf, 1, 0, &n) == 0, "reading failed too");
    ERR("fd_fdstat_set_rights_cannot_add", __wasi_fd_fdstat_set_rights(fd, before.fs_rights_base, before.fs_rights_inheriting),
        __WASI_ERRNO_NOTCAPABLE);
  }
  expect_ok("fd_close_rights", __wasi_fd_close(fd));
}

static void renumber(void) {
  __wasi_errno_t e1, e2;
  char buf[8];
  __wasi_fd_t a = open_file("a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e1);
  __wasi_fd_t b = open_file("b.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e2);
  if (!expect_ok("path_open_renumber_a", e1) || !expect_ok("path_open_renumber_b", e2)) return;
  write_all(a, "AAA", 3);
  write_all(b, "BBB", 3);
  if (expect_ok("fd_renumber", __wasi_fd_renumber(a, b))) {
    __wasi_fdstat_t fs;
    ERR("fd_renumber_closes_source", __wasi_fd_fdstat_get(a, &fs), __WASI_ERRNO_BADF);
    long got = pread_all(b, buf, 3, 0);
    expect_str("fd_renumber_target_is_source_file", buf, got < 0 ? 0 : (size_t)got, "AAA");
    expect_u64("fd_renumber_keeps_offset", tell(b), 3);
  }
  // The target must be an open descriptor (wasmtime and the official suite).
  ERR("fd_renumber_to_unopened", __wasi_fd_renumber(b, 1234), __WASI_ERRNO_BADF);
  ERR("fd_renumber_from_unopened", __wasi_fd_renumber(1234, b), __WASI_ERRNO_BADF);
  __wasi_fdstat_t fs;
  expect_ok("fd_renumber_failed_keeps_fd", __wasi_fd_fdstat_get(b, &fs));
  expect_ok("fd_renumber_to_itself", __wasi_fd_renumber(b, b));
  expect_ok("fd_renumber_to_itself_keeps_fd", __wasi_fd_fdstat_get(b, &fs));
  expect_ok("fd_close_renumbered", __wasi_fd_close(b));
}

static void directory_fd(void) {
  char buf[16];
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_fdstat_t fs;
  __wasi_filestat_t st, dot;
  if (expect_ok("fd_fdstat_get_root", __wasi_fd_fdstat_get(ROOT, &fs))) {
    expect_u64("fd_fdstat_get_root_type", fs.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    expect_u64("fd_fdstat_get_root_flags", fs.fs_flags, 0);
  }
  if (expect_ok("fd_filestat_get_root", __wasi_fd_filestat_get(ROOT, &st))) {
    expect_u64("fd_filestat_get_root_type", st.filetype, __WASI_FILETYPE_DIRECTORY);
    if (expect_ok("path_filestat_get_dot", __wasi_path_filestat_get(ROOT, 0, ".", &dot)))
      check("path_filestat_get_dot_is_root", dot.ino == st.ino && dot.dev == st.dev, "ino differs");
  }
  // Byte I/O on a directory fails (the official suite accepts these three errnos).
  ERR("fd_read_directory", read1(ROOT, buf, sizeof buf, &n), DIR_ERRS);
  ERR("fd_write_directory", write1(ROOT, "x", 1, &n), DIR_ERRS);
  ERR("fd_pread_directory", pread1(ROOT, buf, sizeof buf, 0, &n), DIR_ERRS);
  ERR("fd_pwrite_directory", pwrite1(ROOT, "x", 1, 0, &n), DIR_ERRS);
  ERR("fd_seek_directory", __wasi_fd_seek(ROOT, 0, __WASI_WHENCE_CUR, &pos), DIR_ERRS);
  ERR("fd_tell_directory", __wasi_fd_tell(ROOT, &pos), DIR_ERRS);
  ERR("fd_allocate_directory", __wasi_fd_allocate(ROOT, 0, 1), DIR_ERRS);
  ERR("fd_filestat_set_size_directory", __wasi_fd_filestat_set_size(ROOT, 0), DIR_ERRS, __WASI_ERRNO_INVAL);
  expect_ok("fd_filestat_set_times_directory", __wasi_fd_filestat_set_times(ROOT, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
}

static void unlinked_but_open(void) {
  __wasi_errno_t e;
  char buf[32];
  __wasi_fd_t fd = open_file("gone.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e);
  if (!expect_ok("path_open_soon_unlinked", e)) return;
  write_all(fd, "still here", 10);
  if (expect_ok("path_unlink_file_while_open", __wasi_path_unlink_file(ROOT, "gone.txt"))) {
    __wasi_filestat_t st;
    ERR("path_filestat_get_unlinked", __wasi_path_filestat_get(ROOT, 0, "gone.txt", &st), __WASI_ERRNO_NOENT);
    long got = pread_all(fd, buf, sizeof buf, 0);
    expect_str("fd_pread_unlinked_file", buf, got < 0 ? 0 : (size_t)got, "still here");
    check("fd_write_unlinked_file", write_all(fd, "!", 1), "write failed");
  }
  expect_ok("fd_close_unlinked", __wasi_fd_close(fd));
}

static void large(void) {
  __wasi_errno_t e;
  size_t len = 3 << 20; // 3 MiB, larger than any one host write chunk
  uint8_t *out = malloc(len), *in = malloc(len);
  for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(i * 2654435761u >> 13);
  __wasi_fd_t fd = open_file("large.bin", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e);
  if (expect_ok("path_open_large", e)) {
    check("fd_write_large", write_all(fd, out, len), "write failed");
    long got = pread_all(fd, in, len, 0);
    check("fd_pread_large_roundtrip", got == (long)len && memcmp(in, out, len) == 0, "read back %ld bytes, differ", got);
    expect_ok("fd_close_large", __wasi_fd_close(fd));
  }
  free(out);
  free(in);
}

static void host_files(void) {
  __wasi_errno_t e;
  char buf[64];
  __wasi_fd_t fd = open_file("planted.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, &e);
  if (expect_ok("path_open_host_file", e)) {
    long got = pread_all(fd, buf, sizeof buf, 0);
    expect_str("fd_read_host_file", buf, got < 0 ? 0 : (size_t)got, "planted by host\n");
    expect_ok("fd_close_host_file", __wasi_fd_close(fd));
  }
  fd = open_file("from_guest.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, 0, &e);
  if (expect_ok("path_open_create_for_host", e)) {
    check("fd_write_for_host", write_all(fd, "written by guest\n", 17), "write failed");
    expect_ok("fd_close_for_host", __wasi_fd_close(fd));
  }
}

int main(void) {
  prestat();
  stdio();
  file_io();
  append_mode();
  rights();
  renumber();
  directory_fd();
  unlinked_but_open();
  large();
  host_files();
  return done();
}

// fd_readdir: every entry once with its type, inode and name; cookies that resume
// anywhere; a buffer too small for the rest filled to exactly its length (the
// last entry cut short) with the same bytes a big buffer gets; the libc loops on
// top (readdir, telldir, seekdir). The runner plants host_a and host_b at the root.
#include "check.h"
#include <dirent.h>

#define ROOT 3
#define HDR ((size_t)sizeof(__wasi_dirent_t)) // 24: d_next, d_ino, d_namlen, d_type
#define MAXE 400
#define R_DIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET | \
  __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_UNLINK_FILE)

typedef struct { uint64_t next, ino; uint32_t namlen; uint8_t type; char name[256]; } ent_t;

// Parses whole entries from buf[0..used); returns their count, sets *rest to the
// bytes of a trailing partial entry.
static int parse(const uint8_t *buf, size_t used, ent_t *out, int max, size_t *rest) {
  size_t off = 0;
  int n = 0;
  while (n < max && off + HDR <= used) {
    ent_t e;
    memcpy(&e.next, buf + off, 8);
    memcpy(&e.ino, buf + off + 8, 8);
    memcpy(&e.namlen, buf + off + 16, 4);
    e.type = buf[off + 20];
    if (e.namlen > 255 || off + HDR + e.namlen > used) break;
    memcpy(e.name, buf + off + HDR, e.namlen);
    e.name[e.namlen] = 0;
    out[n++] = e;
    off += HDR + e.namlen;
  }
  *rest = used - off;
  return n;
}

// Compares len bytes of a listing with the reference listing ref, skipping the
// three padding bytes after d_type in each header (their value is unspecified).
static int same_listing(const uint8_t *got, const uint8_t *ref, size_t len) {
  size_t off = 0;
  while (off < len) {
    uint32_t namlen;
    memcpy(&namlen, ref + off + 16, 4);
    for (size_t i = 0; i < HDR + namlen && off + i < len; i++)
      if ((i < 21 || i >= HDR) && got[off + i] != ref[off + i]) return 0;
    off += HDR + namlen;
  }
  return 1;
}

static __wasi_errno_t readdir_at(__wasi_fd_t fd, uint8_t *buf, size_t len, uint64_t cookie, __wasi_size_t *used) {
  *used = 0;
  return __wasi_fd_readdir(fd, buf, len, cookie, used);
}

static int find(const ent_t *e, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(e[i].name, name) == 0) return i;
  return -1;
}

static int make_file(const char *path) {
  __wasi_fd_t fd;
  if (__wasi_path_open(ROOT, 0, path, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd)) return 0;
  return __wasi_fd_close(fd) == 0;
}

static __wasi_fd_t open_dir(const char *path) {
  __wasi_fd_t fd = -1;
  return __wasi_path_open(ROOT, 0, path, __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR, 0, &fd) ? -1 : fd;
}

// The names created in rd/, in creation order.
static char names[48][64];
static int nnames;

static void setup(void) {
  int ok = __wasi_path_create_directory(ROOT, "rd") == 0;
  for (int i = 0; i < 40; i++) {
    snprintf(names[nnames], sizeof names[0], "f%02d", i);
    char path[80];
    snprintf(path, sizeof path, "rd/%s", names[nnames++]);
    ok &= make_file(path);
  }
  strcpy(names[nnames++], "a_much_longer_file_name_for_cutting_entries_short.txt");
  ok &= make_file("rd/a_much_longer_file_name_for_cutting_entries_short.txt");
  strcpy(names[nnames++], "sub");
  ok &= __wasi_path_create_directory(ROOT, "rd/sub") == 0;
  strcpy(names[nnames++], "lnk");
  ok &= __wasi_path_symlink("f00", ROOT, "rd/lnk") == 0;
  strcpy(names[nnames++], "\xc3\xa9t\xc3\xa9"); // "été": namlen counts UTF-8 bytes
  ok &= make_file("rd/\xc3\xa9t\xc3\xa9");
  check("setup_readdir_tree", ok, "could not build rd/");
}

static uint8_t full[1 << 16];
static __wasi_size_t full_used;
static ent_t ents[MAXE];
static int nents;

static void listing(__wasi_fd_t dir) {
  size_t rest;
  if (!expect_ok("fd_readdir", readdir_at(dir, full, sizeof full, 0, &full_used))) return;
  check("fd_readdir_big_buffer_not_full", full_used < sizeof full, "used the whole %zu-byte buffer", sizeof full);
  nents = parse(full, full_used, ents, MAXE, &rest);
  expect_u64("fd_readdir_whole_entries", rest, 0);

  int once = 1, extra = 0;
  for (int i = 0; i < nnames; i++) {
    int times = 0;
    for (int j = 0; j < nents; j++) times += strcmp(ents[j].name, names[i]) == 0;
    if (times != 1) once = 0, printf("# %s seen %d times\n", names[i], times);
  }
  for (int j = 0; j < nents; j++) {
    int wanted = strcmp(ents[j].name, ".") == 0 || strcmp(ents[j].name, "..") == 0;
    for (int i = 0; i < nnames && !wanted; i++) wanted = strcmp(ents[j].name, names[i]) == 0;
    if (!wanted) extra++, printf("# unexpected entry \"%s\"\n", ents[j].name);
  }
  check("fd_readdir_every_entry_once", once, "some names missing or repeated");
  check("fd_readdir_no_stray_entries", extra == 0, "%d unexpected entries", extra);
  // wasmtime lists . and .. first (the official suite expects both).
  int dot = find(ents, nents, "."), dotdot = find(ents, nents, "..");
  check("fd_readdir_dot_entries", dot >= 0 && dotdot >= 0, ". at %d, .. at %d", dot, dotdot);
  if (dot >= 0) expect_u64("fd_readdir_dot_is_directory", ents[dot].type, __WASI_FILETYPE_DIRECTORY);
  if (dotdot >= 0) expect_u64("fd_readdir_dotdot_is_directory", ents[dotdot].type, __WASI_FILETYPE_DIRECTORY);

  int f = find(ents, nents, "f07"), s = find(ents, nents, "sub"), l = find(ents, nents, "lnk"), u = find(ents, nents, "\xc3\xa9t\xc3\xa9");
  if (f >= 0) expect_u64("fd_readdir_type_file", ents[f].type, __WASI_FILETYPE_REGULAR_FILE);
  if (s >= 0) expect_u64("fd_readdir_type_directory", ents[s].type, __WASI_FILETYPE_DIRECTORY);
  if (l >= 0) expect_u64("fd_readdir_type_symlink", ents[l].type, __WASI_FILETYPE_SYMBOLIC_LINK);
  if (u >= 0) expect_u64("fd_readdir_namlen_utf8_bytes", ents[u].namlen, 5);

  // d_ino agrees with path_filestat_get (without following), for every named entry.
  int ino_ok = 1;
  for (int i = 0; i < nnames; i++) {
    int j = find(ents, nents, names[i]);
    __wasi_filestat_t st;
    if (j < 0 || __wasi_path_filestat_get(dir, 0, names[i], &st) != 0 || st.ino != ents[j].ino) {
      ino_ok = 0;
      printf("# %s: d_ino %llu\n", names[i], j < 0 ? 0ull : (unsigned long long)ents[j].ino);
    }
  }
  check("fd_readdir_ino_matches_filestat", ino_ok, "some d_ino differ from path_filestat_get");
  __wasi_filestat_t self;
  if (dot >= 0 && __wasi_fd_filestat_get(dir, &self) == 0) expect_u64("fd_readdir_dot_ino_is_dir", ents[dot].ino, self.ino);

  int unique = 1;
  for (int i = 0; i < nents; i++)
    for (int j = i + 1; j < nents; j++) unique &= ents[i].next != ents[j].next;
  check("fd_readdir_cookies_unique", unique, "two entries share a d_next");
}

static void cookies(__wasi_fd_t dir) {
  static uint8_t buf[1 << 16];
  static ent_t got[MAXE];
  __wasi_size_t used;
  size_t rest;
  // Resuming from entry i's d_next yields exactly the entries after i, byte for byte.
  int bad = -1;
  size_t off = 0;
  for (int i = 0; i < nents && bad < 0; i++) {
    off += HDR + ents[i].namlen;
    if (readdir_at(dir, buf, sizeof buf, ents[i].next, &used) != 0 || used != full_used - off || !same_listing(buf, full + off, used)) bad = i;
  }
  check("fd_readdir_resume_at_every_cookie", bad < 0, "resuming after entry %d (%s) differs", bad, bad < 0 ? "" : ents[bad].name);
  // Going back to an earlier cookie after reading further works too (no cursor state).
  if (nents > 10 && readdir_at(dir, buf, sizeof buf, ents[3].next, &used) == 0) {
    int n = parse(buf, used, got, MAXE, &rest);
    check("fd_readdir_resume_backwards", n == nents - 4 && strcmp(got[0].name, ents[4].name) == 0, "got %d entries starting at %s", n, n ? got[0].name : "-");
  }
  if (nents > 0 && expect_ok("fd_readdir_after_last_cookie", readdir_at(dir, buf, sizeof buf, ents[nents - 1].next, &used)))
    expect_u64("fd_readdir_after_last_cookie_empty", used, 0);
  if (expect_ok("fd_readdir_cookie_zero_again", readdir_at(dir, buf, sizeof buf, 0, &used)))
    check("fd_readdir_cookie_zero_restarts", used == full_used && same_listing(buf, full, used), "second listing differs");
}

static void exact_fill(__wasi_fd_t dir) {
  static uint8_t buf[4096];
  // Sizes cutting headers and names at every kind of place, plus one entry's worth.
  size_t first = nents ? HDR + ents[0].namlen : HDR;
  struct { size_t len; const char *label; } sizes[] = {
    {1, "1"}, {7, "7"}, {8, "8"}, {16, "16"}, {20, "20"}, {23, "23"}, {24, "24"}, {25, "25"}, {first - 1, "first_entry_minus_1"},
    {first, "first_entry"}, {first + 1, "first_entry_plus_1"}, {first + HDR, "first_entry_plus_header"}, {100, "100"}, {333, "333"},
    {1000, "1000"}};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t len = sizes[k].len;
    if (len >= full_used) continue;
    memset(buf, 0xee, sizeof buf);
    __wasi_size_t used = 0;
    char name[64];
    snprintf(name, sizeof name, "fd_readdir_fills_exactly_%s", sizes[k].label);
    __wasi_errno_t e = readdir_at(dir, buf, len, 0, &used);
    int same = same_listing(buf, full, len);
    check(name, e == 0 && used == len && same && buf[len] == 0xee,
          "errno %d, used %u of %zu, %s", e, (unsigned)used, len, same ? "bytes match" : "bytes differ from the full listing");
  }
}

// Reads the whole directory with a len-byte buffer the way wasi-libc does: keep
// whole entries, continue from the last whole entry's cookie.
static int loop_read(__wasi_fd_t dir, size_t len, ent_t *out, int max) {
  static uint8_t buf[4096];
  static ent_t chunk[MAXE];
  uint64_t cookie = 0;
  int n = 0;
  for (int rounds = 0; rounds < 10000; rounds++) {
    __wasi_size_t used;
    size_t rest;
    if (readdir_at(dir, buf, len, cookie, &used) != 0) return -1;
    int k = parse(buf, used, chunk, MAXE, &rest);
    for (int i = 0; i < k && n < max; i++) out[n++] = chunk[i];
    if (used < len) return n;   // the end of the directory
    if (k == 0) return -2;      // the buffer cannot hold one entry
    cookie = chunk[k - 1].next;
  }
  return -3;
}

static void small_buffers(__wasi_fd_t dir) {
  static ent_t got[MAXE];
  size_t sizes[] = {HDR + 60, 100, 128, 256, 512};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    int n = loop_read(dir, sizes[k], got, MAXE), same = n == nents;
    for (int i = 0; same && i < n; i++) same = strcmp(got[i].name, ents[i].name) == 0 && got[i].next == ents[i].next;
    char name[64];
    snprintf(name, sizeof name, "fd_readdir_loop_buffer_%zu", sizes[k]);
    check(name, same, "got %d entries, want %d in the same order", n, nents);
  }
}

static void changes(__wasi_fd_t dir) {
  static uint8_t buf[1 << 16];
  static ent_t got[MAXE];
  __wasi_size_t used;
  size_t rest;
  check("setup_readdir_new_entry", make_file("rd/zz_new"), "create failed");
  int n = readdir_at(dir, buf, sizeof buf, 0, &used) == 0 ? parse(buf, used, got, MAXE, &rest) : 0;
  check("fd_readdir_sees_new_entry", find(got, n, "zz_new") >= 0, "zz_new missing");
  check("setup_readdir_remove_entry", __wasi_path_unlink_file(ROOT, "rd/zz_new") == 0, "unlink failed");
  n = readdir_at(dir, buf, sizeof buf, 0, &used) == 0 ? parse(buf, used, got, MAXE, &rest) : 0;
  check("fd_readdir_drops_removed_entry", n > 0 && find(got, n, "zz_new") < 0, "zz_new still listed");
}

static void others(void) {
  static uint8_t buf[4096];
  static ent_t got[MAXE];
  __wasi_size_t used;
  size_t rest;
  // An empty directory holds nothing but (optionally) . and ..
  check("setup_readdir_empty", __wasi_path_create_directory(ROOT, "empty") == 0, "mkdir failed");
  __wasi_fd_t e = open_dir("empty");
  if (e >= 0 && expect_ok("fd_readdir_empty", readdir_at(e, buf, sizeof buf, 0, &used))) {
    int n = parse(buf, used, got, MAXE, &rest), other = 0;
    for (int i = 0; i < n; i++) other += strcmp(got[i].name, ".") != 0 && strcmp(got[i].name, "..") != 0;
    check("fd_readdir_empty_has_no_entries", other == 0 && rest == 0, "%d entries", other);
    (void)__wasi_fd_close(e);
  }
  // The root lists what the host planted and what the guest made.
  if (expect_ok("fd_readdir_root", readdir_at(ROOT, buf, sizeof buf, 0, &used))) {
    int n = parse(buf, used, got, MAXE, &rest);
    check("fd_readdir_root_lists_host_and_guest_entries", find(got, n, "host_a") >= 0 && find(got, n, "host_b") >= 0 && find(got, n, "rd") >= 0,
          "host_a, host_b or rd missing");
  }
  __wasi_fd_t f;
  if (__wasi_path_open(ROOT, 0, "rd/f01", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR, 0, 0, &f) == 0) {
    ERR("fd_readdir_on_file", readdir_at(f, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
    (void)__wasi_fd_close(f);
  }
  // Many entries through a small buffer (the official suite uses 100).
  int ok = __wasi_path_create_directory(ROOT, "many") == 0;
  for (int i = 0; i < 150 && ok; i++) {
    char path[32];
    snprintf(path, sizeof path, "many/entry_%03d", i);
    ok = make_file(path);
  }
  check("setup_readdir_many", ok, "could not create 150 files");
  __wasi_fd_t m = open_dir("many");
  if (m >= 0) {
    int n = loop_read(m, 200, got, MAXE), named = 0;
    for (int i = 0; i < n; i++) named += strncmp(got[i].name, "entry_", 6) == 0;
    check("fd_readdir_many_entries", named == 150, "saw %d of 150 (%d total)", named, n);
    (void)__wasi_fd_close(m);
  }
}

static void libc_dirs(void) {
  DIR *d = opendir("/rd");
  if (!check("libc_opendir", d != NULL, "opendir failed")) return;
  int n = 0, seen_sub = 0;
  long mark = -1;
  char after_mark[256] = "";
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    if (strcmp(de->d_name, "sub") == 0) seen_sub = de->d_type == DT_DIR;
    if (n == 10 && mark < 0) {
      mark = telldir(d);
      struct dirent *next = readdir(d);
      if (next) {
        snprintf(after_mark, sizeof after_mark, "%s", next->d_name);
        if (strcmp(next->d_name, ".") && strcmp(next->d_name, "..")) n++;
        if (strcmp(next->d_name, "sub") == 0) seen_sub = next->d_type == DT_DIR;
      }
    }
  }
  expect_u64("libc_readdir_count", n, nnames);
  check("libc_readdir_d_type", seen_sub, "sub is not DT_DIR");
  if (mark >= 0) {
    seekdir(d, mark);
    de = readdir(d);
    check("libc_seekdir_resumes", de && strcmp(de->d_name, after_mark) == 0, "got %s want %s", de ? de->d_name : "(end)", after_mark);
  }
  rewinddir(d);
  int again = 0;
  while ((de = readdir(d))) again += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
  expect_u64("libc_rewinddir_count", again, nnames);
  closedir(d);
}

int main(void) {
  setup();
  __wasi_fd_t dir = open_dir("rd");
  if (expect_ok("path_open_readdir_dir", dir < 0 ? __WASI_ERRNO_NOENT : 0)) {
    listing(dir);
    cookies(dir);
    exact_fill(dir);
    small_buffers(dir);
    changes(dir);
    (void)__wasi_fd_close(dir);
  }
  others();
  libc_dirs();
  return done();
}

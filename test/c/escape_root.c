// Escape attempts against a host directory bound at /. argv[1] is the host path T
// of the tree the runner planted (see test/escape.test.ts):
//   T/secret.txt, T/sibling/{sibfile.txt,subdir/}, T/rotree/..., T/root = the bind,
//   and in T/root symlinks pointing out: abs_secret -> T/secret.txt,
//   rel_secret -> ../secret.txt, sub/rel2_secret -> ../../secret.txt,
//   abs_dir -> T/sibling, rel_dir -> ../sibling, root_link -> /,
//   etc_passwd -> /etc/passwd, chain1 -> chain2 -> rel_secret,
//   inner_then_out -> sub/../../secret.txt, up -> .., sub/upup -> ../..,
//   dangling_out -> ../created_outside.txt, abs_dangling_out -> T/created_abs.txt,
//   dir_dangling_out -> ../newdir_outside, movable_link -> ../secret.txt,
//   abs_to_rotree -> T/rotree/file.txt, rel_to_rotree -> ../rotree/file.txt,
//   and inside ones: ok_link -> inside.txt, ok_dir_link -> sub; plus movable.txt
//   and movable_dir/ for the rename attempts.
// Every attempt to reach outside fails with EPERM or ENOTCAPABLE (the WASI rule
// for `..` past the dirfd, absolute paths, and symlinks leading out); whatever a
// failed check managed to read is printed, so the runner can see the secret leak.
// Writes go only through links that point into T: the runner is not a sandbox
// while this suite is validated against node:wasi.
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define ESC __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE
#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_WRITE (R_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define R_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET | \
  __WASI_RIGHTS_PATH_READLINK)

static const char *top; // host path of T

// Prints what an fd that should never have been opened reads.
static void leak(const char *name, __wasi_fd_t fd) {
  uint8_t buf[160];
  __wasi_iovec_t iov = {buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  __wasi_filestat_t st;
  if (__wasi_fd_filestat_get(fd, &st) == 0 && st.filetype == __WASI_FILETYPE_DIRECTORY) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(fd, buf, sizeof buf - 1, 0, &used) == 0) n = used;
    for (__wasi_size_t i = 0; i < n; i++) if (buf[i] < 32 || buf[i] > 126) buf[i] = '.';
  } else if (__wasi_fd_read(fd, &iov, 1, &n) != 0) n = 0;
  buf[n] = 0;
  printf("# %s opened something outside; it holds: %s\n", name, (char *)buf);
}

// Opens path (dirfd, lookupflags, oflags, rights) and expects it to fail with one of
// the errnos in want (0-terminated); on success reports what it could read.
static void deny(const char *name, __wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path, __wasi_oflags_t of, __wasi_rights_t r,
                 const int *want) {
  __wasi_fd_t fd = -1;
  __wasi_errno_t e = __wasi_path_open(dir, lf, path, of, r, r, 0, &fd);
  if (e == 0) {
    leak(name, fd);
    check(name, 0, "opened %s", path);
    (void)__wasi_fd_close(fd);
    return;
  }
  int good = 0;
  for (const int *w = want; *w; w++) good |= *w == e;
  check(name, good, "got errno %d", e);
}
static const int esc[] = {ESC, 0};
#define DENY_READ(name, lf, path) deny(name, ROOT, lf, path, 0, R_READ, esc)

static int exists_nofollow(const char *path, __wasi_filetype_t *type) {
  __wasi_filestat_t st;
  if (__wasi_path_filestat_get(ROOT, 0, path, &st) != 0) return 0;
  if (type) *type = st.filetype;
  return 1;
}

static void reads(void) {
  char p[600];
  DENY_READ("escape_dotdot", 0, "../secret.txt");
  DENY_READ("escape_dotdot_from_subdir", 0, "sub/../../secret.txt");
  DENY_READ("escape_dotdot_long_chain", 0, "sub/../../../../../../../../../../secret.txt");
  DENY_READ("escape_dotdot_back_inside", 0, "../root/inside.txt");
  DENY_READ("escape_dotdot_double_slashes", 0, "sub//..//..//secret.txt");
  DENY_READ("escape_dotdot_dot_segments", 0, "./sub/./.././../secret.txt");
  DENY_READ("escape_dotdot_sibling", 0, "../sibling/sibfile.txt");
  snprintf(p, sizeof p, "%s/secret.txt", top);
  DENY_READ("escape_absolute_host_path", 0, p);
  DENY_READ("escape_absolute_etc_passwd", 0, "/etc/passwd");
  DENY_READ("escape_absolute_slash", 0, "/");
  deny("escape_dotdot_directory", ROOT, 0, "..", __WASI_OFLAGS_DIRECTORY, R_DIR, esc);

  DENY_READ("escape_symlink_absolute", FOLLOW, "abs_secret");
  DENY_READ("escape_symlink_relative", FOLLOW, "rel_secret");
  DENY_READ("escape_symlink_relative_in_subdir", FOLLOW, "sub/rel2_secret");
  DENY_READ("escape_symlink_chain", FOLLOW, "chain1");
  DENY_READ("escape_symlink_inner_then_out", FOLLOW, "inner_then_out");
  DENY_READ("escape_symlink_dir_absolute", 0, "abs_dir/sibfile.txt");
  DENY_READ("escape_symlink_dir_relative", 0, "rel_dir/sibfile.txt");
  snprintf(p, sizeof p, "root_link%s/secret.txt", top);
  DENY_READ("escape_symlink_host_root", 0, p);
  DENY_READ("escape_symlink_host_root_passwd", 0, "root_link/etc/passwd");
  DENY_READ("escape_symlink_etc_passwd", FOLLOW, "etc_passwd");
  DENY_READ("escape_symlink_up", 0, "up/secret.txt");
  DENY_READ("escape_symlink_upup_from_subdir", 0, "sub/upup/secret.txt");
  DENY_READ("escape_symlink_to_rotree_absolute", FOLLOW, "abs_to_rotree");
  DENY_READ("escape_symlink_to_rotree_relative", FOLLOW, "rel_to_rotree");
  deny("escape_symlink_dir_as_directory", ROOT, FOLLOW, "rel_dir", __WASI_OFLAGS_DIRECTORY, R_DIR, esc);
  deny("escape_symlink_up_as_directory", ROOT, FOLLOW, "up", __WASI_OFLAGS_DIRECTORY, R_DIR, esc);
  deny("escape_symlink_root_as_directory", ROOT, FOLLOW, "root_link", __WASI_OFLAGS_DIRECTORY, R_DIR, esc);
  // Without FOLLOW the last component is the link itself: ELOOP, nothing read.
  static const int loop[] = {__WASI_ERRNO_LOOP, ESC, 0};
  deny("escape_symlink_nofollow_is_loop", ROOT, 0, "abs_secret", 0, R_READ, loop);

  // Controls: links that stay inside work.
  __wasi_fd_t fd;
  char buf[64];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  if (expect_ok("inside_symlink_followed", __wasi_path_open(ROOT, FOLLOW, "ok_link", 0, R_READ, R_READ, 0, &fd))) {
    check("inside_symlink_content", __wasi_fd_read(fd, &iov, 1, &n) == 0 && n == 15 && memcmp(buf, "inside content\n", 15) == 0, "wrong content");
    (void)__wasi_fd_close(fd);
  }
  if (expect_ok("inside_dir_symlink_followed", __wasi_path_open(ROOT, 0, "ok_dir_link/deep.txt", 0, R_READ, R_READ, 0, &fd)))
    (void)__wasi_fd_close(fd);
}

static void stats(void) {
  __wasi_filestat_t st;
  ERR("escape_stat_symlink_followed", __wasi_path_filestat_get(ROOT, FOLLOW, "abs_secret", &st), ESC);
  ERR("escape_stat_relative_symlink_followed", __wasi_path_filestat_get(ROOT, FOLLOW, "rel_secret", &st), ESC);
  ERR("escape_stat_dotdot", __wasi_path_filestat_get(ROOT, 0, "../secret.txt", &st), ESC);
  ERR("escape_stat_parent", __wasi_path_filestat_get(ROOT, 0, "..", &st), ESC);
  ERR("escape_stat_through_dir_symlink", __wasi_path_filestat_get(ROOT, 0, "rel_dir/sibfile.txt", &st), ESC);
  ERR("escape_stat_up_followed", __wasi_path_filestat_get(ROOT, FOLLOW, "up", &st), ESC);
  // The links themselves are inside and may be inspected.
  if (expect_ok("inside_stat_symlink_itself", __wasi_path_filestat_get(ROOT, 0, "abs_secret", &st)))
    expect_u64("inside_stat_symlink_itself_is_link", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);

  // Readlink shows the text, but following that text stays inside.
  char text[600];
  __wasi_size_t n = 0;
  if (expect_ok("inside_readlink_outward_link", __wasi_path_readlink(ROOT, "abs_secret", (uint8_t *)text, sizeof text - 1, &n))) {
    text[n] = 0;
    DENY_READ("escape_readlink_text_raw", 0, text);
    int fd = open(text, O_RDONLY);
    check("escape_readlink_text_libc", fd < 0, "libc opened %s", text);
    if (fd >= 0) close(fd);
  }
  ERR("escape_readlink_dotdot", __wasi_path_readlink(ROOT, "../root/abs_secret", (uint8_t *)text, sizeof text, &n), ESC);

  // The root listing holds only what is inside.
  uint8_t buf[4096];
  __wasi_size_t used = 0;
  if (expect_ok("inside_readdir_root", __wasi_fd_readdir(ROOT, buf, sizeof buf, 0, &used))) {
    int outside = 0;
    for (size_t off = 0; off + 24 <= used;) {
      uint32_t len;
      memcpy(&len, buf + off + 16, 4);
      if (off + 24 + len > used) break;
      const char *name = (const char *)buf + off + 24;
      if ((len == 10 && memcmp(name, "secret.txt", 10) == 0) || (len == 7 && memcmp(name, "sibling", 7) == 0) ||
          (len == 6 && memcmp(name, "rotree", 6) == 0))
        outside++;
      off += 24 + len;
    }
    check("escape_readdir_root_shows_only_inside", outside == 0, "the root listing names %d entries of the parent", outside);
  }
  __wasi_prestat_t ps;
  char name[64] = "";
  if (__wasi_fd_prestat_get(ROOT, &ps) == 0 && ps.u.dir.pr_name_len < sizeof name &&
      __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, ps.u.dir.pr_name_len) == 0)
    name[ps.u.dir.pr_name_len] = 0;
  expect_str("inside_preopen_name_hides_host_path", name, strlen(name), "/");
}

static void guest_symlinks(void) {
  char p[600];
  struct { const char *link, *target, *via, *name; } cases[] = {
    {"g_rel", "../secret.txt", "g_rel", "escape_guest_symlink_relative"},
    {"g_abs", NULL, "g_abs", "escape_guest_symlink_absolute"},
    {"g_up", "..", "g_up/secret.txt", "escape_guest_symlink_up"},
    {"sub/g_upup", "../..", "sub/g_upup/secret.txt", "escape_guest_symlink_upup"},
    {"g_sib", "../sibling", "g_sib/sibfile.txt", "escape_guest_symlink_sibling"},
    {"g_root", "/", "g_root/etc/passwd", "escape_guest_symlink_root"},
    {"g_deep", "sub/../../secret.txt", "g_deep", "escape_guest_symlink_inner_then_out"},
  };
  snprintf(p, sizeof p, "%s/secret.txt", top);
  cases[1].target = p;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    // Creating the link may be refused (EPERM/ENOTCAPABLE) or allowed; following it never leads out.
    __wasi_errno_t e = __wasi_path_symlink(cases[i].target, ROOT, cases[i].link);
    char name[96];
    snprintf(name, sizeof name, "%s_create", cases[i].name);
    ERR(name, e, 0, ESC);
    if (e == 0) DENY_READ(cases[i].name, FOLLOW, cases[i].via);
  }
  snprintf(p, sizeof p, "g_root%s/secret.txt", top);
  if (exists_nofollow("g_root", NULL)) DENY_READ("escape_guest_symlink_root_to_secret", 0, p);
  // A link created through libc with an absolute target is read as the guest's own /.
  // (If the link cannot be made it leads nowhere, which passes.)
  if (symlink("/inside.txt", "/g_libc_abs") != 0) {
    check("escape_guest_absolute_symlink_stays_inside", 1, "");
  } else {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(ROOT, FOLLOW, "g_libc_abs", 0, R_READ, R_READ, 0, &fd);
    if (e == 0) {
      char buf[32];
      __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
      __wasi_size_t n = 0;
      check("escape_guest_absolute_symlink_stays_inside", __wasi_fd_read(fd, &iov, 1, &n) == 0 && n == 15 && memcmp(buf, "inside content\n", 15) == 0,
            "read something other than /inside.txt");
      (void)__wasi_fd_close(fd);
    } else {
      ERR("escape_guest_absolute_symlink_stays_inside", e, ESC, __WASI_ERRNO_NOENT);
    }
  }
}

static void links(void) {
  __wasi_filetype_t type;
  ERR("escape_link_from_dotdot", __wasi_path_link(ROOT, 0, "../secret.txt", ROOT, "stolen1"), ESC);
  ERR("escape_link_follow_outward_symlink", __wasi_path_link(ROOT, FOLLOW, "abs_secret", ROOT, "stolen2"), ESC, __WASI_ERRNO_INVAL, __WASI_ERRNO_NOENT);
  check("escape_link_follow_made_no_file", !exists_nofollow("stolen2", &type) || type == __WASI_FILETYPE_SYMBOLIC_LINK, "stolen2 is a real file");
  ERR("escape_link_through_dir_symlink", __wasi_path_link(ROOT, 0, "rel_dir/sibfile.txt", ROOT, "stolen4"), ESC);
  ERR("escape_link_through_up", __wasi_path_link(ROOT, 0, "up/secret.txt", ROOT, "stolen5"), ESC);
  // Linking the outward symlink itself (no FOLLOW) copies the link, not the file.
  __wasi_errno_t e = __wasi_path_link(ROOT, 0, "abs_secret", ROOT, "stolen3");
  ERR("inside_link_symlink_itself", e, 0, ESC);
  if (e == 0) {
    check("inside_link_symlink_itself_is_link", exists_nofollow("stolen3", &type) && type == __WASI_FILETYPE_SYMBOLIC_LINK, "stolen3 is not a symlink");
    DENY_READ("escape_link_copy_of_symlink_followed", FOLLOW, "stolen3");
  }
  ERR("escape_link_out_dotdot", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "../hl_out"), ESC);
  ERR("escape_link_out_dir_symlink", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "rel_dir/hl_out"), ESC);
  ERR("escape_link_out_abs_dir_symlink", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "abs_dir/hl_out"), ESC);
  ERR("escape_link_out_up", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "up/hl_out"), ESC);
  ERR("escape_link_out_absolute", __wasi_path_link(ROOT, 0, "inside.txt", ROOT, "/hl_out_abs"), ESC);
}

static void renames(void) {
  // The files moved about are planted for this (movable.txt, movable_dir) so that
  // a runtime letting one through does not disturb the other checks.
  ERR("escape_rename_out_dotdot", __wasi_path_rename(ROOT, "movable.txt", ROOT, "../moved.txt"), ESC);
  ERR("escape_rename_out_dir_symlink", __wasi_path_rename(ROOT, "movable.txt", ROOT, "rel_dir/moved.txt"), ESC);
  ERR("escape_rename_out_abs_dir_symlink", __wasi_path_rename(ROOT, "movable.txt", ROOT, "abs_dir/moved.txt"), ESC);
  ERR("escape_rename_out_up", __wasi_path_rename(ROOT, "movable.txt", ROOT, "up/moved.txt"), ESC);
  ERR("escape_rename_dir_out_dotdot", __wasi_path_rename(ROOT, "movable_dir", ROOT, "../dir_moved"), ESC);
  ERR("escape_rename_in_dotdot", __wasi_path_rename(ROOT, "../secret.txt", ROOT, "stolen6"), ESC);
  ERR("escape_rename_in_dir_symlink", __wasi_path_rename(ROOT, "rel_dir/sibfile.txt", ROOT, "stolen7"), ESC);
  ERR("escape_rename_in_up", __wasi_path_rename(ROOT, "up/secret.txt", ROOT, "stolen8"), ESC);
  check("inside_rename_attempts_kept_file", exists_nofollow("movable.txt", NULL) && exists_nofollow("movable_dir", NULL), "movable.txt or movable_dir is gone");
  // Moving an outward link deeper is allowed; it still leads nowhere outside.
  if (expect_ok("inside_rename_symlink_itself", __wasi_path_rename(ROOT, "movable_link", ROOT, "sub/moved_link"))) {
    static const int confined[] = {ESC, __WASI_ERRNO_NOENT, 0};
    deny("escape_moved_symlink_followed", ROOT, FOLLOW, "sub/moved_link", 0, R_READ, confined);
  }
}

static void writes(void) {
  char p[600];
  deny("escape_write_through_absolute_symlink", ROOT, FOLLOW, "abs_secret", __WASI_OFLAGS_TRUNC, R_WRITE, esc);
  deny("escape_write_through_relative_symlink", ROOT, FOLLOW, "rel_secret", __WASI_OFLAGS_TRUNC, R_WRITE, esc);
  deny("escape_write_through_dir_symlink", ROOT, 0, "rel_dir/sibfile.txt", __WASI_OFLAGS_TRUNC, R_WRITE, esc);
  deny("escape_create_through_dir_symlink", ROOT, 0, "rel_dir/planted.txt", __WASI_OFLAGS_CREAT, R_WRITE, esc);
  deny("escape_create_through_up", ROOT, 0, "up/planted.txt", __WASI_OFLAGS_CREAT, R_WRITE, esc);
  deny("escape_create_dotdot", ROOT, 0, "../planted.txt", __WASI_OFLAGS_CREAT, R_WRITE, esc);
  snprintf(p, sizeof p, "%s/planted_abs.txt", top);
  deny("escape_create_absolute", ROOT, 0, p, __WASI_OFLAGS_CREAT, R_WRITE, esc);
  // O_CREAT through a dangling link pointing out must not create its target.
  deny("escape_create_through_dangling_symlink", ROOT, FOLLOW, "dangling_out", __WASI_OFLAGS_CREAT, R_WRITE, esc);
  deny("escape_create_through_absolute_dangling_symlink", ROOT, FOLLOW, "abs_dangling_out", __WASI_OFLAGS_CREAT, R_WRITE, esc);
  static const int loop[] = {__WASI_ERRNO_LOOP, ESC, 0};
  deny("escape_create_nofollow_dangling_symlink", ROOT, 0, "dangling_out", __WASI_OFLAGS_CREAT, R_WRITE, loop);
  deny("escape_write_to_rotree_absolute", ROOT, FOLLOW, "abs_to_rotree", __WASI_OFLAGS_TRUNC, R_WRITE, esc);
  deny("escape_write_to_rotree_relative", ROOT, FOLLOW, "rel_to_rotree", __WASI_OFLAGS_TRUNC, R_WRITE, esc);

  ERR("escape_mkdir_over_dangling_symlink", __wasi_path_create_directory(ROOT, "dir_dangling_out"), __WASI_ERRNO_EXIST, ESC);
  ERR("escape_mkdir_dotdot", __wasi_path_create_directory(ROOT, "../newdir"), ESC);
  ERR("escape_mkdir_through_dir_symlink", __wasi_path_create_directory(ROOT, "rel_dir/newdir"), ESC);
  ERR("escape_mkdir_through_up", __wasi_path_create_directory(ROOT, "up/newdir"), ESC);
  ERR("escape_symlink_create_through_dir_symlink", __wasi_path_symlink("x", ROOT, "rel_dir/planted_link"), ESC);
  ERR("escape_symlink_create_dotdot", __wasi_path_symlink("x", ROOT, "../planted_link"), ESC);
  ERR("escape_unlink_through_dir_symlink", __wasi_path_unlink_file(ROOT, "rel_dir/sibfile.txt"), ESC);
  ERR("escape_unlink_dotdot", __wasi_path_unlink_file(ROOT, "../secret.txt"), ESC);
  ERR("escape_unlink_through_up", __wasi_path_unlink_file(ROOT, "up/secret.txt"), ESC);
  ERR("escape_rmdir_through_dir_symlink", __wasi_path_remove_directory(ROOT, "rel_dir/subdir"), ESC);
  ERR("escape_rmdir_dotdot", __wasi_path_remove_directory(ROOT, "../sibling/subdir"), ESC);
  ERR("escape_set_times_through_symlink", __wasi_path_filestat_set_times(ROOT, FOLLOW, "abs_secret", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ESC);
  ERR("escape_set_times_through_dir_symlink", __wasi_path_filestat_set_times(ROOT, 0, "rel_dir/sibfile.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ESC);
  ERR("escape_set_times_dotdot", __wasi_path_filestat_set_times(ROOT, 0, "../secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ESC);
  // The link's own times may change; the target's must not (the runner checks the host).
  ERR("inside_set_times_on_symlink_itself", __wasi_path_filestat_set_times(ROOT, 0, "abs_secret", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0, ESC);
}

static void subdir_fd(void) {
  __wasi_fd_t sub;
  if (!expect_ok("inside_open_subdir", __wasi_path_open(ROOT, 0, "sub", __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR | R_WRITE, 0, &sub))) return;
  deny("escape_subdir_fd_dotdot", sub, 0, "../inside.txt", 0, R_READ, esc);
  deny("escape_subdir_fd_symlink", sub, FOLLOW, "rel2_secret", 0, R_READ, esc);
  deny("escape_subdir_fd_upup", sub, 0, "upup/secret.txt", 0, R_READ, esc);
  deny("escape_subdir_fd_absolute", sub, 0, "/inside.txt", 0, R_READ, esc);
  __wasi_filestat_t st;
  ERR("escape_subdir_fd_stat_parent", __wasi_path_filestat_get(sub, 0, "..", &st), ESC);
  ERR("escape_subdir_fd_create_in_parent", __wasi_path_create_directory(sub, "../made_from_sub"), ESC);
  (void)__wasi_fd_close(sub);
}

static void through_libc(void) {
  char p[600];
  int fd = open("/../secret.txt", O_RDONLY);
  check("escape_libc_open_dotdot", fd < 0, "opened /../secret.txt");
  if (fd >= 0) close(fd);
  fd = open("/sub/../../secret.txt", O_RDONLY);
  check("escape_libc_open_dotdot_from_subdir", fd < 0, "opened");
  if (fd >= 0) close(fd);
  snprintf(p, sizeof p, "%s/secret.txt", top);
  FILE *f = fopen(p, "r");
  check("escape_libc_fopen_host_path", f == NULL, "opened %s", p);
  if (f) fclose(f);
  struct stat st;
  check("escape_libc_stat_outward_symlink", stat("/abs_secret", &st) != 0, "stat followed it (size %lld)", (long long)st.st_size);
  DIR *d = opendir("/rel_dir");
  check("escape_libc_opendir_outward_symlink", d == NULL, "listed the sibling directory");
  if (d) closedir(d);
  d = opendir("/..");
  check("escape_libc_opendir_parent", d == NULL, "listed the parent");
  if (d) closedir(d);
  if (chdir("/sub") == 0) {
    fd = open("../../secret.txt", O_RDONLY);
    check("escape_libc_relative_after_chdir", fd < 0, "opened");
    if (fd >= 0) close(fd);
    (void)chdir("/");
  }
  check("escape_libc_rename_out_dotdot", rename("/inside.txt", "/../moved_by_libc.txt") != 0, "renamed");
  check("escape_libc_link_out_dotdot", link("/inside.txt", "/../linked_by_libc.txt") != 0, "linked");
  check("escape_libc_mkdir_out", mkdir("/rel_dir/made_by_libc", 0755) != 0, "made a directory");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    printf("FAIL usage: escape_root.wasm HOST_TOP\n");
    return 2;
  }
  top = argv[1];
  reads();
  stats();
  guest_symlinks();
  links();
  renames();
  writes();
  subdir_fd();
  through_libc();
  return done();
}

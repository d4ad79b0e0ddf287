// The embedded userland (rootfs/bin): every tool run through `goblin run` on small
// inputs, checking output, errors and exit status; and the build is reproducible.
// Paths given to the tools are inside a fresh host directory bound as the guest's `/`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoDir } from './lib/cc.ts';
import { goblinBin, node, run, type RunResult } from './lib/run.ts';

const rootfs = join(repoDir, 'rootfs');
const bin = (tool: string) => join(rootfs, 'bin', tool);

/** A host directory holding files (a name ending in / is a directory), removed by the caller. */
function tree(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-rootfs-'));
  for (const [name, body] of Object.entries(files)) {
    const path = join(dir, name);
    if (name.endsWith('/')) { mkdirSync(path, { recursive: true }); continue; }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }
  return dir;
}

interface Case {
  args?: string[];
  stdin?: string | Uint8Array;
  files?: Record<string, string | Uint8Array>;
  out?: string | RegExp;
  err?: string | RegExp; // default: no error output
  code?: number; // default 0
  check?: (dir: string, r: RunResult) => void; // look at the tree afterwards
}

async function tool(name: string, c: Case): Promise<void> {
  const dir = tree(c.files);
  try {
    const r = await run(['--dir', `${dir}::/`], bin(name), c.args ?? [], { stdin: c.stdin });
    const what = `${name} ${(c.args ?? []).join(' ')}`;
    if (c.out instanceof RegExp) assert.match(r.stdout, c.out, what);
    else if (c.out !== undefined) assert.equal(r.stdout, c.out, what);
    if (c.err instanceof RegExp) assert.match(r.stderr, c.err, what);
    else assert.equal(r.stderr, c.err ?? '', what);
    assert.equal(r.code, c.code ?? 0, `${what}: exit status`);
    c.check?.(dir, r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Declare one test per case. */
function cases(name: string, table: Record<string, Case>): void {
  describe(name, { concurrency: 4 }, () => {
    for (const [title, c] of Object.entries(table)) it(title, () => tool(name, c));
  });
}

/** Starts a tool with stdin and stdout as pipes the test controls. */
function start(name: string, args: string[]) {
  const r = process.env.GOBLIN_RUNNER;
  const [cmd, ...pre] = r ? r.split(' ').filter(Boolean) : [node, goblinBin, 'run'];
  return spawn(cmd!, [...pre, bin(name), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

const fruit = 'apple\nBanana\ncherry\napricot\n\nfoo.bar\n';
const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `${i + from}\n`).join('');
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** build.sh ARGS in a rootfs directory: its status and output. */
function buildSh(dir: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(dir, 'build.sh'), args, { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of rootfs with src/lib and only these tools' sources and binaries, and TOOLCHAIN; the caller removes it. */
function rootfsCopy(tools: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-build-'));
  for (const f of ['build.sh', 'TOOLCHAIN', 'src/lib']) cpSync(join(rootfs, f), join(dir, f), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  for (const t of tools) for (const f of [`src/${t}.c`, `bin/${t}`]) cpSync(join(rootfs, f), join(dir, f));
  return dir;
}

const recordedToolchain = readFileSync(join(rootfs, 'TOOLCHAIN'), 'utf8').replace(/^#.*\n/gm, '');
const here = buildSh(rootfs, ['--toolchain']);
const otherToolchain = here.stdout === recordedToolchain ? false
  : `the toolchain here is not the one that built rootfs/bin (rootfs/TOOLCHAIN); here: ${here.stdout.split('\n')[0] || here.stderr.trim()}`;
const noClang = spawnSync(process.env.CC ?? 'clang', ['--version']).status === 0 ? false : 'clang is not installed';

describe('rootfs build', () => {
  it('build_check_reproduces_committed_binaries', { skip: otherToolchain }, () => {
    const r = buildSh(rootfs, ['--check']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });
  it('build_check_refuses_another_toolchain', t => {
    const dir = rootfsCopy([]);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const other = recordedToolchain.replace(/^cc .*$/m, 'cc Other clang version 99.0.0');
    writeFileSync(join(dir, 'TOOLCHAIN'), other);
    const r = buildSh(dir, ['--check']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^build\.sh: cannot compare: bin\/ was built by another toolchain, and a fresh build here would differ for that alone\n/);
    assert.ok(r.stderr.includes('\n  in TOOLCHAIN: cc Other clang version 99.0.0\n'), r.stderr);
    assert.ok(r.stderr.includes(`\n  here:        ${here.stdout.split('\n')[0]}\n`), r.stderr);
  });
  it('build_check_refuses_without_a_toolchain_record', t => {
    const dir = rootfsCopy([]);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    rmSync(join(dir, 'TOOLCHAIN'));
    const r = buildSh(dir, ['--check']);
    assert.deepEqual([r.code, r.stderr], [3, "build.sh: cannot compare: there is no TOOLCHAIN saying what built bin/\n"]);
  });
  it('build_records_its_toolchain_and_check_names_each_binary_that_differs', { skip: noClang }, t => {
    const dir = rootfsCopy(['true', 'echo']);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    rmSync(join(dir, 'TOOLCHAIN'));
    rmSync(join(dir, 'bin'), { recursive: true });
    const built = buildSh(dir, []);
    assert.deepEqual([built.code, built.stderr], [0, '']);
    assert.equal(readFileSync(join(dir, 'TOOLCHAIN'), 'utf8').replace(/^#.*\n/gm, ''), here.stdout, 'TOOLCHAIN names the toolchain here');
    if (!otherToolchain) for (const b of ['true', 'echo']) assert.ok(readFileSync(join(dir, 'bin', b)).equals(readFileSync(bin(b))), `bin/${b} as committed`);
    assert.deepEqual(buildSh(dir, ['--check']), { code: 0, stdout: '', stderr: '' });
    // now one binary changed, one gone, one without a source
    const b = readFileSync(join(dir, 'bin', 'true'));
    b[b.length - 1]! ^= 1;
    writeFileSync(join(dir, 'bin', 'true'), b);
    rmSync(join(dir, 'bin', 'echo'));
    writeFileSync(join(dir, 'bin', 'stray'), '');
    const r = buildSh(dir, ['--check']);
    assert.equal(r.stderr, 'build.sh: bin/echo: missing\nbuild.sh: bin/true: differs from a fresh build\nbuild.sh: bin/stray: has no source\n');
    assert.equal(r.code, 1);
  });
  it('every_tool_is_built', () => {
    const tools = ['cat', 'cmp', 'cp', 'date', 'du', 'echo', 'false', 'grep', 'head', 'ls', 'mkdir', 'mv', 'rm',
      'rmdir', 'sed', 'seq', 'sha256sum', 'sleep', 'sort', 'tail', 'tee', 'test', 'touch', 'tr', 'true', 'uniq', 'wc',
      'xargs', 'yes'];
    for (const t of tools) assert.ok(existsSync(bin(t)), t);
  });
});

cases('true', { exits_zero: { out: '' } });
cases('false', { exits_nonzero: { out: '', code: 1 } });

cases('echo', {
  args_joined: { args: ['a', 'b  c'], out: 'a b  c\n' },
  no_args: { out: '\n' },
  n_flag_no_newline: { args: ['-n', 'x', 'y'], out: 'x y' },
  n_only_first: { args: ['a', '-n'], out: 'a -n\n' },
});

cases('cat', {
  stdin: { stdin: 'one\ntwo', out: 'one\ntwo' },
  files_in_order: { args: ['/a', '/b'], files: { a: 'A\n', b: 'B\n' }, out: 'A\nB\n' },
  dash_is_stdin: { args: ['/a', '-'], files: { a: 'A\n' }, stdin: 'in\n', out: 'A\nin\n' },
  missing_file: { args: ['/a', '/nope', '/a'], files: { a: 'A\n' }, out: 'A\nA\n', err: 'cat: /nope: file does not exist\n', code: 1 },
  directory: { args: ['/d'], files: { 'd/': '' }, err: 'cat: /d: is a directory\n', code: 1 },
  relative_path: { args: ['a'], files: { a: 'rel\n' }, out: 'rel\n' },
  bad_flag: { args: ['-z'], err: 'usage: cat [file ...]\n', code: 2 },
});

cases('wc', {
  stdin_all_counts: { stdin: 'x y\nz\n', out: '      2       3       6\n' },
  lines: { args: ['-l'], stdin: 'a\nb\nc', out: '      2\n' },
  words_and_bytes: { args: ['-wc'], stdin: ' one  two\tthree\n', out: '      3      16\n' },
  files_and_total: {
    args: ['/a', '/b'], files: { a: 'a b\n', b: 'c\n' },
    out: '      1       2       4 /a\n      1       1       2 /b\n      2       3       6 total\n',
  },
  missing_file: { args: ['-l', '/nope'], err: 'wc: /nope: file does not exist\n', code: 1, out: '' },
});

cases('head', {
  default_ten: { stdin: lines(20), out: lines(10) },
  n_flag: { args: ['-n', '3'], stdin: lines(20), out: lines(3) },
  minus_number: { args: ['-2'], stdin: lines(20), out: lines(2) },
  bytes: { args: ['-c', '5'], stdin: 'abcdefgh', out: 'abcde' },
  short_input: { args: ['-n', '5'], stdin: 'a\nb', out: 'a\nb' },
  zero: { args: ['-n', '0'], stdin: 'a\n', out: '' },
  two_files: {
    args: ['-n', '1', '/a', '/b'], files: { a: 'a1\na2\n', b: 'b1\n' },
    out: '==> /a <==\na1\n\n==> /b <==\nb1\n',
  },
  bad_count: { args: ['-n', 'x'], err: 'head: bad count: x\n', code: 1 },
  missing_file: { args: ['/nope'], err: 'head: /nope: file does not exist\n', code: 1 },
});

cases('tail', {
  default_ten: { stdin: lines(20), out: lines(10, 11) },
  n_flag: { args: ['-n', '3'], stdin: lines(20), out: lines(3, 18) },
  minus_number: { args: ['-2'], stdin: lines(20), out: lines(2, 19) },
  plus_number: { args: ['+18'], stdin: lines(20), out: lines(3, 18) },
  n_plus: { args: ['-n', '+19'], stdin: lines(20), out: lines(2, 19) },
  no_final_newline: { args: ['-n', '2'], stdin: 'a\nb\nc', out: 'b\nc' },
  bytes: { args: ['-c', '3'], stdin: 'abcdef', out: 'def' },
  bytes_from: { args: ['-c', '+3'], stdin: 'abcdef', out: 'cdef' },
  large_input: { args: ['-n', '2', '/big'], files: { big: lines(100000) }, out: lines(2, 99999) },
  missing_file: { args: ['/nope'], err: 'tail: /nope: file does not exist\n', code: 1 },
});

cases('grep', {
  regex: { args: ['^a'], stdin: fruit, out: 'apple\napricot\n' },
  extended: { args: ['(ap|ch)e'], stdin: fruit, out: 'cherry\n' },
  interval_and_class: { args: ['p{2}|[[:upper:]]'], stdin: fruit, out: 'apple\nBanana\n' },
  invert: { args: ['-v', 'a'], stdin: fruit, out: 'cherry\n\n' },
  ignore_case: { args: ['-i', 'B'], stdin: fruit, out: 'Banana\nfoo.bar\n' },
  line_numbers: { args: ['-n', 'an'], stdin: fruit, out: '2:Banana\n' },
  count: { args: ['-c', 'a'], stdin: fruit, out: '4\n' },
  whole_line: { args: ['-x', 'apple|cherry'], stdin: fruit + 'apples\n', out: 'apple\ncherry\n' },
  several_e: { args: ['-e', '^c', '-e', 'ot$'], stdin: fruit, out: 'cherry\napricot\n' },
  fixed: { args: ['-F', '.'], stdin: fruit, out: 'foo.bar\n' },
  fixed_ignore_case: { args: ['-Fi', 'AN'], stdin: fruit, out: 'Banana\n' },
  empty_pattern_matches_all: { args: ['-c', ''], stdin: fruit, out: '6\n' },
  files_named: {
    args: ['an', '/a', '/b'], files: { a: fruit, b: 'band\nx\n' },
    out: '/a:Banana\n/b:band\n',
  },
  h_hides_names: { args: ['-h', 'an', '/a', '/b'], files: { a: fruit, b: 'band\n' }, out: 'Banana\nband\n' },
  list_files: { args: ['-l', 'x', '/a', '/b'], files: { a: fruit, b: 'x\n' }, out: '/b\n' },
  list_files_without: { args: ['-L', 'x', '/a', '/b'], files: { a: fruit, b: 'x\n' }, out: '/a\n' },
  quiet_match: { args: ['-q', 'apple'], stdin: fruit, out: '' },
  no_match_status_1: { args: ['zzz'], stdin: fruit, out: '', code: 1 },
  missing_file_status_2: {
    args: ['a', '/a', '/nope'], files: { a: 'a\n' },
    out: '/a:a\n', err: 'grep: /nope: file does not exist\n', code: 2,
  },
  s_silences_errors: { args: ['-s', 'a', '/nope'], code: 2 },
  bad_regex: { args: ['('], stdin: 'x\n', err: /^grep: bad pattern \(: /, code: 2 },
  no_pattern: { err: /^usage: grep /, code: 2 },
});

const five = 'one two\nthree four\nfive six\nseven\neight nine ten\n';
cases('sed', {
  substitute_first: { args: ['s/o/0/'], stdin: five, out: '0ne two\nthree f0ur\nfive six\nseven\neight nine ten\n' },
  substitute_global: { args: ['s/e/E/g'], stdin: 'eee e\n', out: 'EEE E\n' },
  substitute_nth: { args: ['s/e/E/2'], stdin: 'eee\n', out: 'eEe\n' },
  substitute_nth_and_on: { args: ['s/e/E/2g'], stdin: 'eeee\n', out: 'eEEE\n' },
  groups_and_ampersand: { args: ['s/([a-z]+) ([a-z]+)/\\2 \\1 [&]/'], stdin: 'ab cd\n', out: 'cd ab [ab cd]\n' },
  empty_matches: { args: ['s/x*/-/g'], stdin: 'abc\n', out: '-a-b-c-\n' },
  ignore_case_flag: { args: ['s/A/x/Ig'], stdin: 'aAa\n', out: 'xxx\n' },
  other_delimiter: { args: ['s|/|:|g'], stdin: '/a/b\n', out: ':a:b\n' },
  newline_in_replacement: { args: ['s/ /\\n/'], stdin: 'a b\n', out: 'a\nb\n' },
  print_flag_with_n: { args: ['-n', 's/two/2/p'], stdin: five, out: 'one 2\n' },
  print_line: { args: ['-n', '2p'], stdin: five, out: 'three four\n' },
  print_last: { args: ['-n', '$p'], stdin: five, out: 'eight nine ten\n' },
  delete_range: { args: ['2,4d'], stdin: five, out: 'one two\neight nine ten\n' },
  regex_range: { args: ['/two/,/five/d'], stdin: five, out: 'seven\neight nine ten\n' },
  regex_address: { args: ['-n', '/^s/p'], stdin: five, out: 'seven\n' },
  negation: { args: ['2!d'], stdin: five, out: 'three four\n' },
  quit: { args: ['2q'], stdin: five, out: 'one two\nthree four\n' },
  quit_status: { args: ['1q3'], stdin: five, out: 'one two\n', code: 3 },
  several_commands: { args: ['s/one/1/;s/two/2/;3,$d'], stdin: five, out: '1 2\nthree four\n' },
  several_e: { args: ['-e', 's/one/1/', '-e', '2d'], stdin: five, out: '1 two\nfive six\nseven\neight nine ten\n' },
  block: { args: ['-n', '2{p;p}'], stdin: five, out: 'three four\nthree four\n' },
  line_number: { args: ['-n', '$='], stdin: five, out: '5\n' },
  append_insert_change: { args: ['1i top\n2a after\n3c gone'], stdin: 'a\nb\nc\nd\n', out: 'top\na\nb\nafter\ngone\nd\n' },
  transliterate: { args: ['y/abc/xyz/'], stdin: 'aabbcc\n', out: 'xxyyzz\n' },
  hold_space_reverse: { args: ['1!G;h;$!d'], stdin: 'a\nb\nc\n', out: 'c\nb\na\n' },
  join_lines: { args: [':a;N;$!ba;s/\\n/,/g'], stdin: 'a\nb\nc\n', out: 'a,b,c\n' },
  branch_on_substitution: { args: [':a;s/ab/b/;ta'], stdin: 'aaab\n', out: 'b\n' },
  keeps_missing_newline: { args: ['s/b/B/'], stdin: 'a\nb', out: 'a\nB' },
  files: { args: ['-n', '$p', '/a', '/b'], files: { a: '1\n2\n', b: '3\n' }, out: '3\n' },
  missing_file: { args: ['p', '/nope'], err: 'sed: /nope: file does not exist\n', code: 2 },
  unterminated_s: { args: ['s/a/b'], err: 'sed: unterminated s command: s/a/b\n', code: 1 },
  unknown_command: { args: ['k'], err: 'sed: unknown command: k\n', code: 1 },
});

cases('sort', {
  bytes: { stdin: 'b\na\nB\nc\n', out: 'B\na\nb\nc\n' },
  reverse: { args: ['-r'], stdin: 'b\na\nc\n', out: 'c\nb\na\n' },
  numeric: { args: ['-n'], stdin: '10\n9\n-1.5\n0.5\n100\nx\n', out: '-1.5\nx\n0.5\n9\n10\n100\n' },
  unique: { args: ['-u'], stdin: 'b\na\nb\na\n', out: 'a\nb\n' },
  fold_case: { args: ['-f'], stdin: 'b\nA\na\nB\n', out: 'A\na\nB\nb\n' },
  key: { args: ['-k', '2n'], stdin: 'a 10\nb 2\nc 1\n', out: 'c 1\nb 2\na 10\n' },
  key_reverse_separator: { args: ['-t', ':', '-k2,2nr'], stdin: 'a:1\nb:3\nc:2\n', out: 'b:3\nc:2\na:1\n' },
  files_merged: { args: ['/a', '/b'], files: { a: 'z\nb\n', b: 'a\n' }, out: 'a\nb\nz\n' },
  output_file: {
    args: ['-o', '/a', '/a'], files: { a: 'b\na\n' }, out: '',
    check: (dir) => assert.equal(read(dir, 'a'), 'a\nb\n'),
  },
  missing_file: { args: ['/nope'], err: 'sort: /nope: file does not exist\n', code: 1 },
  bad_key: { args: ['-k', 'x'], err: 'sort: bad key: x\n', code: 1 },
});

cases('uniq', {
  adjacent: { stdin: 'a\na\nb\na\n', out: 'a\nb\na\n' },
  count: { stdin: 'a\na\nb\nc\nc\nc\n', args: ['-c'], out: '   2 a\n   1 b\n   3 c\n' },
  duplicated: { stdin: 'a\na\nb\nc\nc\n', args: ['-d'], out: 'a\nc\n' },
  unique: { stdin: 'a\na\nb\nc\nc\n', args: ['-u'], out: 'b\n' },
  file: { args: ['/a'], files: { a: 'x\nx\n' }, out: 'x\n' },
  missing_file: { args: ['/nope'], err: 'uniq: /nope: file does not exist\n', code: 1 },
});

cases('tr', {
  ranges: { args: ['a-z', 'A-Z'], stdin: 'Hello, World\n', out: 'HELLO, WORLD\n' },
  short_set2_repeats_last: { args: ['abc', 'x'], stdin: 'abcd\n', out: 'xxxd\n' },
  delete_class: { args: ['-d', '[:digit:]'], stdin: 'a1b22c\n', out: 'abc\n' },
  squeeze: { args: ['-s', ' '], stdin: 'a   b  c\n', out: 'a b c\n' },
  complement_squeeze: { args: ['-cs', '[:alpha:]', '\\n'], stdin: 'one, two;three\n', out: 'one\ntwo\nthree\n' },
  escapes: { args: ['\\t', '\\n'], stdin: 'a\tb\n', out: 'a\nb\n' },
  bad_range: { args: ['z-a', 'x'], err: 'tr: bad range: z-a\n', code: 1 },
  usage: { err: 'usage: tr [-cds] set1 [set2]\n', code: 2 },
});

cases('tee', {
  copies: {
    args: ['/a', '/b'], stdin: 'data\n', out: 'data\n',
    check: (dir) => { assert.equal(read(dir, 'a'), 'data\n'); assert.equal(read(dir, 'b'), 'data\n'); },
  },
  append: {
    args: ['-a', '/a'], files: { a: 'old\n' }, stdin: 'new\n', out: 'new\n',
    check: (dir) => assert.equal(read(dir, 'a'), 'old\nnew\n'),
  },
  bad_file: { args: ['/no/a'], stdin: 'x\n', out: 'x\n', err: 'tee: /no/a: file does not exist\n', code: 1 },
});

cases('cp', {
  file: { args: ['/a', '/b'], files: { a: 'A' }, check: (dir) => assert.equal(read(dir, 'b'), 'A') },
  overwrite: { args: ['/a', '/b'], files: { a: 'A', b: 'longer' }, check: (dir) => assert.equal(read(dir, 'b'), 'A') },
  into_dir: {
    args: ['/a', '/b', '/d'], files: { a: 'A', b: 'B', 'd/': '' },
    check: (dir) => { assert.equal(read(dir, 'd/a'), 'A'); assert.equal(read(dir, 'd/b'), 'B'); },
  },
  recursive: {
    args: ['-r', '/d', '/e'], files: { 'd/x': 'X', 'd/s/y': 'Y' },
    check: (dir) => { assert.equal(read(dir, 'e/x'), 'X'); assert.equal(read(dir, 'e/s/y'), 'Y'); },
  },
  dir_without_r: { args: ['/d', '/e'], files: { 'd/': '' }, err: 'cp: /d: is a directory\n', code: 1 },
  same_file: { args: ['/a', '/a'], files: { a: 'A' }, err: 'cp: /a and /a are the same file\n', code: 1 },
  missing: { args: ['/nope', '/b'], err: 'cp: /nope: file does not exist\n', code: 1 },
  many_to_file: { args: ['/a', '/a', '/b'], files: { a: 'A', b: '' }, err: 'cp: /b: not a directory\n', code: 1 },
  usage: { args: ['/a'], err: /^usage: cp /, code: 2 },
});

cases('mv', {
  rename: {
    args: ['/a', '/b'], files: { a: 'A' },
    check: (dir) => { assert.equal(read(dir, 'b'), 'A'); assert.ok(!existsSync(join(dir, 'a'))); },
  },
  into_dir: {
    args: ['/a', '/d'], files: { a: 'A', 'd/': '' },
    check: (dir) => { assert.equal(read(dir, 'd/a'), 'A'); assert.ok(!existsSync(join(dir, 'a'))); },
  },
  directory: { args: ['/d', '/e'], files: { 'd/x': 'X' }, check: (dir) => assert.equal(read(dir, 'e/x'), 'X') },
  missing: { args: ['/nope', '/b'], err: 'mv: /nope: file does not exist\n', code: 1 },
});

cases('rm', {
  file: { args: ['/a'], files: { a: 'A' }, check: (dir) => assert.ok(!existsSync(join(dir, 'a'))) },
  empty_dir: { args: ['/d'], files: { 'd/': '' }, check: (dir) => assert.ok(!existsSync(join(dir, 'd'))) },
  full_dir: {
    args: ['/d'], files: { 'd/x': 'X' }, err: 'rm: /d: directory not empty\n', code: 1,
    check: (dir) => assert.ok(existsSync(join(dir, 'd/x'))),
  },
  recursive: { args: ['-r', '/d'], files: { 'd/x': 'X', 'd/s/y': 'Y' }, check: (dir) => assert.ok(!existsSync(join(dir, 'd'))) },
  missing: { args: ['/nope'], err: 'rm: /nope: file does not exist\n', code: 1 },
  force_missing: { args: ['-f', '/nope'] },
  usage: { err: 'usage: rm [-fr] name ...\n', code: 2 },
});

cases('mkdir', {
  dirs: {
    args: ['/a', '/b'],
    check: (dir) => { assert.ok(statSync(join(dir, 'a')).isDirectory()); assert.ok(statSync(join(dir, 'b')).isDirectory()); },
  },
  parents: { args: ['-p', '/a/b/c', '/d/'], files: { 'a/': '' }, check: (dir) => assert.ok(statSync(join(dir, 'a/b/c')).isDirectory()) },
  p_existing: { args: ['-p', '/a'], files: { 'a/': '' } },
  exists: { args: ['/a'], files: { 'a/': '' }, err: 'mkdir: /a: file already exists\n', code: 1 },
  no_parent: { args: ['/x/y'], err: 'mkdir: /x/y: file does not exist\n', code: 1 },
  p_over_file: { args: ['-p', '/f/x'], files: { f: '' }, err: /^mkdir: \/f(\/x)?: (not a directory|file already exists)\n$/, code: 1 },
});

cases('rmdir', {
  empty: { args: ['/d'], files: { 'd/': '' }, check: (dir) => assert.ok(!existsSync(join(dir, 'd'))) },
  not_empty: { args: ['/d'], files: { 'd/x': '' }, err: 'rmdir: /d: directory not empty\n', code: 1 },
  missing: { args: ['/nope'], err: 'rmdir: /nope: file does not exist\n', code: 1 },
});

cases('touch', {
  creates: { args: ['/a'], check: (dir) => assert.equal(read(dir, 'a'), '') },
  keeps_contents: {
    args: ['/a'], files: { a: 'A' },
    check: (dir) => {
      assert.equal(read(dir, 'a'), 'A');
      assert.ok(Math.abs(statSync(join(dir, 'a')).mtimeMs - Date.now()) < 60_000);
    },
  },
  set_time: { args: ['-t', '86400', '/a'], files: { a: 'A' }, check: (dir) => assert.equal(statSync(join(dir, 'a')).mtimeMs, 86400_000) },
  c_does_not_create: { args: ['-c', '/a'], check: (dir) => assert.ok(!existsSync(join(dir, 'a'))) },
  no_dir: { args: ['/x/a'], err: 'touch: /x/a: file does not exist\n', code: 1 },
});

describe('ls', { concurrency: 4 }, () => {
  const files = { b: '12345', a: '', 'd/z': 'z', 'd/y': '', '.hid': '' };
  it('ls_lists_sorted_with_dir_prefix', () => tool('ls', { args: ['/'], files, out: '/.hid\n/a\n/b\n/d\n' }));
  it('ls_no_args_lists_cwd', () => tool('ls', { files, out: '.hid\na\nb\nd\n' }));
  it('ls_p_last_element', () => tool('ls', { args: ['-p', '/d'], files, out: 'y\nz\n' }));
  it('ls_d_directory_itself', () => tool('ls', { args: ['-d', '/d', '/a'], files, out: '/a\n/d\n' }));
  it('ls_F_marks_dirs', () => tool('ls', { args: ['-F', '/'], files, out: '/.hid\n/a\n/b\n/d/\n' }));
  it('ls_missing', () => tool('ls', { args: ['/nope', '/a'], files, out: '/a\n', err: 'ls: /nope: file does not exist\n', code: 1 }));
  it('ls_l_long_shows_the_modes_stat_reports', async () => {
    const dir = tree({ b: '12345', a: '', 'd/': '' });
    try {
      const t = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
      for (const f of ['a', 'b', 'd']) utimesSync(join(dir, f), t, t);
      chmodSync(join(dir, 'a'), 0o640);
      chmodSync(join(dir, 'b'), 0o755);
      chmodSync(join(dir, 'd'), 0o750);
      const r = await run(['--dir', `${dir}::/`], bin('ls'), ['-ld', '/a', '/b', '/d']);
      const dsize = statSync(join(dir, 'd')).size;
      const w = Math.max(...[0, 5, dsize].map(n => String(n).length));
      const row = (mode: string, size: number, name: string) => `${mode} ${String(size).padStart(w)} Jan  2  2020 ${name}\n`;
      assert.equal(r.stdout, row('-rw-r-----', 0, '/a') + row('-rwxr-xr-x', 5, '/b') + row('drwxr-x---', dsize, '/d'));
      assert.equal(r.code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('ls_t_newest_first', async () => {
    const dir = tree({ a: '', b: '', c: '' });
    try {
      utimesSync(join(dir, 'a'), 2000, 2000);
      utimesSync(join(dir, 'b'), 3000, 3000);
      utimesSync(join(dir, 'c'), 1000, 1000);
      const r = await run(['--dir', `${dir}::/`], bin('ls'), ['-t', '/']);
      assert.equal(r.stdout, '/b\n/a\n/c\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

cases('du', {
  tree_in_kib: {
    args: ['/d'], files: { 'd/a': 'x'.repeat(1500), 'd/s/b': 'x'.repeat(10), 'd/s/c': '' },
    out: '1\t/d/s\n3\t/d\n',
  },
  all: {
    args: ['-a', '/d'], files: { 'd/a': 'x'.repeat(1500), 'd/s/b': 'x'.repeat(10) },
    out: '2\t/d/a\n1\t/d/s/b\n1\t/d/s\n3\t/d\n',
  },
  summary: { args: ['-s', '/d', '/f'], files: { 'd/a': 'x'.repeat(2049), 'd/s/b': 'x', f: 'x' }, out: '4\t/d\n1\t/f\n' },
  missing: { args: ['/nope'], err: 'du: /nope: file does not exist\n', code: 1 },
});

cases('date', {
  epoch: { args: ['0'], out: 'Thu Jan 01 00:00:00 GMT 1970\n' },
  given_seconds: { args: ['1234567890'], out: 'Fri Feb 13 23:31:30 GMT 2009\n' },
  iso_date: { args: ['-i', '951782400'], out: '2000-02-29\n' },
  iso_time: { args: ['-t', '951825600'], out: '2000-02-29T12:00:00Z\n' },
  before_epoch: { args: ['-i', '--', '-86400'], out: '1969-12-31\n' },
  now: { out: /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d GMT \d{4}\n$/ },
  now_seconds: {
    args: ['-n'],
    check: (_dir, r) => assert.ok(Math.abs(Number(r.stdout) - Date.now() / 1000) < 60, r.stdout),
  },
  bad_time: { args: ['x'], err: 'date: bad time: x\n', code: 1 },
});

cases('seq', {
  last: { args: ['3'], out: '1\n2\n3\n' },
  first_last: { args: ['-2', '1'], out: '-2\n-1\n0\n1\n' },
  increment: { args: ['5', '-2', '0'], out: '5\n3\n1\n' },
  fractions: { args: ['1', '0.5', '2'], out: '1.0\n1.5\n2.0\n' },
  equal_width: { args: ['-w', '8', '10'], out: '08\n09\n10\n' },
  empty: { args: ['5', '1'], out: '' },
  zero_increment: { args: ['1', '0', '2'], err: 'seq: zero increment\n', code: 1 },
  bad_number: { args: ['x'], err: 'seq: bad number: x\n', code: 1 },
});

cases('cmp', {
  same: { args: ['/a', '/b'], files: { a: 'abc\ndef\n', b: 'abc\ndef\n' }, out: '' },
  differ: { args: ['/a', '/b'], files: { a: 'abc\ndef\n', b: 'abc\ndxf\n' }, out: '/a /b differ: char 6\n', code: 1 },
  differ_line: { args: ['-L', '/a', '/b'], files: { a: 'abc\ndef\n', b: 'abc\ndxf\n' }, out: '/a /b differ: char 6 line 2\n', code: 1 },
  list: { args: ['-l', '/a', '/b'], files: { a: 'abc', b: 'xbz' }, out: '     1 0x61 0x78\n     3 0x63 0x7a\n', code: 1 },
  silent: { args: ['-s', '/a', '/b'], files: { a: 'a', b: 'b' }, out: '', code: 1 },
  eof: { args: ['/a', '/b'], files: { a: 'abc', b: 'ab' }, err: 'cmp: EOF on /b\n', code: 1 },
  stdin: { args: ['/a', '-'], files: { a: 'abc' }, stdin: 'abc' },
  offsets: { args: ['/a', '/b', '1', '2'], files: { a: 'xabc', b: 'yyabc' } },
  missing: { args: ['/a', '/nope'], files: { a: '' }, err: 'cmp: /nope: file does not exist\n', code: 2 },
});

const testCases: [string[], number][] = [
  [['-e', '/f'], 0], [['-e', '/nope'], 1], [['-f', '/f'], 0], [['-f', '/d'], 1], [['-d', '/d'], 0], [['-d', '/f'], 1],
  [['-s', '/f'], 0], [['-s', '/empty'], 1], [['-r', '/f'], 0], [['-w', '/f'], 0], [['-x', '/nope'], 1],
  [['-z', ''], 0], [['-z', 'a'], 1], [['-n', 'a'], 0], [['-n', ''], 1], [['abc'], 0], [[''], 1], [[], 1], [['-n'], 0],
  [['a', '=', 'a'], 0], [['a', '=', 'b'], 1], [['a', '!=', 'b'], 0], [['a', '!=', 'a'], 1],
  [['3', '-eq', '3'], 0], [['3', '-ne', '3'], 1], [['-2', '-lt', '1'], 0], [['2', '-le', '1'], 1],
  [['2', '-gt', '1'], 0], [['1', '-ge', '2'], 1],
  [['!', '-e', '/nope'], 0], [['!', 'a', '=', 'a'], 1],
  [['-e', '/f', '-a', '-e', '/nope'], 1], [['-e', '/f', '-a', '-d', '/d'], 0],
  [['-e', '/nope', '-o', '-d', '/d'], 0], [['-e', '/nope', '-o', '-e', '/nope2'], 1],
  [['(', 'a', '=', 'b', ')', '-o', '1', '-eq', '1'], 0], [['!', '(', 'a', '=', 'a', ')'], 1],
  [['a', '=', 'b', '-o', 'x', '=', 'x', '-a', 'y', '=', 'y'], 0],
];
describe('test', { concurrency: 4 }, () => {
  const files = { f: 'x', empty: '', 'd/': '' };
  for (const [args, code] of testCases) {
    it(`test ${args.map((a) => a === '' ? "''" : a).join(' ')} is ${code}`, () => tool('test', { args, files, code }));
  }
  it('test_bad_number', () => tool('test', { args: ['x', '-eq', '1'], err: 'test: bad number: x\n', code: 2 }));
  it('test_extra_argument', () => tool('test', { args: ['a', 'b'], err: 'test: unexpected argument: b\n', code: 2 }));
  it('test_missing_paren', () => tool('test', { args: ['(', 'a'], err: "test: ')' expected\n", code: 2 }));
});

cases('sha256sum', {
  empty: { out: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n' },
  abc: { stdin: 'abc', out: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n' },
  two_blocks: {
    stdin: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    out: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1  -\n',
  },
  million_a: { stdin: 'a'.repeat(1_000_000), out: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0  -\n' },
  check_ok_and_failed: {
    args: ['-c', '/sums'],
    files: { a: 'abc', b: 'x', sums: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /a\n' + '0'.repeat(64) + '  /b\n' },
    out: '/a: OK\n/b: FAILED\n', err: 'sha256sum: 1 of the files did not match\n', code: 1,
  },
  missing: { args: ['/nope'], err: 'sha256sum: /nope: file does not exist\n', code: 1 },
});

describe('sha256sum lengths', { concurrency: 4 }, () => {
  // every padding case around the 64-byte block, and a few multi-chunk sizes
  const data = randomBytes(70_000);
  const sizes = [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 32767, 32768, 32769, 70_000];
  it('sha256sum_matches_node_crypto', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const n of sizes) files[`f${n}`] = data.subarray(0, n);
    const want = sizes.map((n) => `${createHash('sha256').update(data.subarray(0, n)).digest('hex')}  /f${n}\n`).join('');
    await tool('sha256sum', { args: sizes.map((n) => `/f${n}`), files, out: want });
  });
});

cases('xargs', {
  echo_by_default: { stdin: 'a b\nc "d e" f\\ g\n', out: 'a b c d e f g\n' },
  n_per_command: { args: ['-n', '2'], stdin: 'a b c d e', out: 'a b\nc d\ne\n' },
  fixed_args: { args: ['-n', '2', 'echo', 'x'], stdin: 'a b c', out: 'x a b\nx c\n' },
  trace: { args: ['-t', 'echo'], stdin: 'a', out: 'a\n', err: 'echo a\n' },
  empty_input: { stdin: '', out: '' },
  unmatched_quote: { stdin: "'a", err: "xargs: unmatched '\n", code: 1 },
  runs_commands_as_child_vms: {
    args: ['-n', '1', 'cat'], stdin: '/a /b', out: 'A\nB\n',
    files: { a: 'A\n', b: 'B\n', 'bin/': '', 'bin/cat': readFileSync(bin('cat')) },
  },
  children_share_the_namespace: {
    args: ['rm'], stdin: '/x /y', out: '',
    files: { x: '', y: '', 'bin/': '', 'bin/rm': readFileSync(bin('rm')) },
    check: dir => assert.ok(!existsSync(join(dir, 'x')) && !existsSync(join(dir, 'y'))),
  },
  failing_command_gives_123: { args: ['cat'], stdin: '/nope', err: 'cat: /nope: file does not exist\n', code: 123, files: { 'bin/': '', 'bin/cat': readFileSync(bin('cat')) } },
  missing_command_gives_127: { args: ['nosuch'], stdin: 'a', err: 'xargs: nosuch: file does not exist\n', code: 127 },
});

cases('sleep', {
  bad_time: { args: ['x'], err: 'sleep: bad time: x\n', code: 1 },
  usage: { err: 'usage: sleep seconds\n', code: 2 },
});

describe('streaming', () => {
  it('sleep_fraction_waits', async () => {
    const t0 = performance.now();
    const r = await run([], bin('sleep'), ['0.3']);
    assert.equal(r.code, 0);
    assert.ok(performance.now() - t0 >= 290, 'slept too little');
  });

  it('yes_stops_when_reader_goes', async () => {
    const p = start('yes', []);
    let got = '';
    const code = await new Promise<number | null>((resolve) => {
      p.stdout.on('data', (b: Buffer) => {
        got += b.toString();
        if (got.length >= 65536) p.stdout.destroy();
      });
      p.on('close', (c) => resolve(c));
    });
    assert.ok(got.startsWith('y\ny\ny\n'));
    assert.match(got.slice(0, 65536), /^(y\n)+y?$/);
    assert.notEqual(code, 0);
  });

  it('yes_with_word', async () => {
    const p = start('yes', ['ok']);
    let got = '';
    await new Promise<void>((resolve) => {
      p.stdout.on('data', (b: Buffer) => { got += b.toString(); if (got.length >= 30) p.stdout.destroy(); });
      p.on('close', () => resolve());
    });
    assert.ok(got.startsWith('ok\nok\nok\n'));
  });

  it('head_exits_without_waiting_for_end_of_input', async () => {
    const p = start('head', ['-n', '2']);
    let got = '';
    p.stdout.on('data', (b: Buffer) => { got += b.toString(); });
    p.stdin.on('error', () => {});
    p.stdin.write('a\nb\nc\n'); // and never close it
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error('head kept reading')); }, 20_000);
      p.on('close', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0);
    assert.equal(got, 'a\nb\n');
  });

  it('cat_streams_large_input', async () => {
    const big = lines(200_000);
    const r = await run([], bin('cat'), [], { stdin: big });
    assert.equal(r.stdout, big);
  });

  it('sort_large_input', async () => {
    const nums = Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 50_000);
    const r = await run([], bin('sort'), ['-n'], { stdin: nums.join('\n') + '\n' });
    assert.equal(r.stdout, Array.from({ length: 50_000 }, (_, i) => `${i}\n`).join(''));
  });
});

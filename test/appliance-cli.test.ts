// Appliances through the goblin command, whole processes: pack, inspect, run, sh,
// keygen and cache, against a cache directory of each test's own.
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { pack } from '../src/appliance/write.ts';
import { cc, repoDir } from './lib/cc.ts';
import { blobAt, flip, layout, redigest } from './lib/gob.ts';
import { goblin, type RunOptions, type RunResult } from './lib/run.ts';

const probe = cc('appliance_probe');
const scratch = (): string => mkdtempSync(join(tmpdir(), 'goblin-app-'));
const noTrace = (s: string) => assert.ok(!/\n\s+at /.test(s), `stack trace in: ${s}`);
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** A goblin command with its own cache directory. */
function g(cache: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return goblin(args, { ...o, env: { GOBLIN_CACHE: cache, ...o.env } });
}

type Tree = Record<string, string | Uint8Array>;

/** Writes files (paths relative to dir) and goblin.json into dir. */
function writeApp(dir: string, manifest: object, files: Tree = {}): string {
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), data);
  }
  writeFileSync(join(dir, 'goblin.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** The probe as /bin/probe and a small /share tree, with the manifest's fields over these. */
function probeManifest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'probe', version: '1.0.0', entry: '/bin/probe', files: { '/bin/probe': 'probe.wasm', '/share': 'share' }, ...extra };
}
const probeFiles = (): Tree => ({ 'probe.wasm': readFileSync(probe), 'share/a': 'share a\n', 'share/sub/b': 'share sub b\n' });

/** Packs dir into out (default dir/../NAME.gob) and checks it worked. */
async function packed(cache: string, dir: string, out: string, flags: string[] = []): Promise<{ path: string; digest: string }> {
  const r = await g(cache, ['pack', dir, '-o', out, ...flags]);
  assert.equal(r.code, 0, r.stderr);
  const m = /(sha256:[0-9a-f]{64})/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return { path: out, digest: m[1]! };
}

/** A packed probe appliance in a fresh directory: its path, the directory, the cache. */
async function probeApp(extra: Record<string, unknown> = {}, files: Tree = {}): Promise<{ gob: string; dir: string; cache: string; digest: string }> {
  const dir = scratch(), cache = join(dir, 'cache');
  writeApp(join(dir, 'src'), probeManifest(extra), { ...probeFiles(), ...files });
  const r = await packed(cache, join(dir, 'src'), join(dir, 'probe.gob'));
  return { gob: r.path, dir, cache, digest: r.digest };
}

// --- reproducibility ---

test('pack_reproducible: the same app packed in two places, made in another order with other times and modes, is the same bytes', async () => {
  const manifest = probeManifest({ files: { '/bin/probe': 'probe.wasm', '/share': 'share', '/etc/motd': 'motd' } });
  const content: [string, string | Uint8Array][] = [
    ['probe.wasm', readFileSync(probe)], ['share/a', 'a\n'], ['share/z', 'z\n'], ['share/m/n', 'n\n'], ['share/m/o', 'o\n'], ['motd', 'hello\n'],
  ];
  const make = (order: typeof content, time: number, modes: [number, number]) => {
    const dir = scratch();
    for (const [p, data] of order) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), data);
    }
    writeFileSync(join(dir, 'goblin.json'), JSON.stringify(manifest));
    for (const [p] of order) {
      // the exec bit is kept (probe.wasm has it in both); every other mode bit is not
      chmodSync(join(dir, p), p === 'probe.wasm' ? modes[0] | 0o100 : modes[1]);
      utimesSync(join(dir, p), time, time);
    }
    for (const d of ['share/m', 'share']) { chmodSync(join(dir, d), d === 'share' ? modes[0] | 0o700 : 0o700); utimesSync(join(dir, d), time, time); }
    return dir;
  };
  const one = make(content, 1_000_000, [0o744, 0o600]);
  const two = make([...content].reverse(), 1_700_000_000, [0o750, 0o664]);
  const cache = scratch();
  const a = await packed(cache, one, join(one, 'app.gob'));
  const b = await packed(cache, two, join(two, 'other.gob'));
  const x = readFileSync(a.path), y = readFileSync(b.path);
  assert.ok(x.equals(y), 'the two packs differ');
  assert.equal(a.digest, b.digest);
  // and packing again in place gives the same bytes too
  const c = await packed(cache, one, join(one, 'again.gob'));
  assert.ok(readFileSync(c.path).equals(x));
  const d = await g(cache, ['inspect', '--diff', a.path, b.path]);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  assert.equal(d.stdout, '');
});

// --- corruption ---

test('bad_appliance: every kind of damage is exit 126 and one line naming it, and nothing runs', async () => {
  const { gob, dir, cache } = await probeApp({
    args: ['write', '/data/ran', 'yes', 'cat', '/share/a'],
    mounts: { data: { path: '/data', required: true } },
  });
  const good = new Uint8Array(readFileSync(gob));
  const l = layout(good);
  const aAt = blobAt(good, '/share/a');
  const damaged: [string, Uint8Array, RegExp][] = [
    ['cut in the magic', good.subarray(0, 5), /truncated: too short/],
    ['cut in the header', good.subarray(0, 12), /truncated: the header is cut short/],
    ['cut in the index', good.subarray(0, 16 + (l.indexLen >> 1)), /truncated: the index is cut short/],
    ['cut in the blobs', good.subarray(0, aAt + 3), /truncated: the file is shorter than its index says/],
    ['cut before the digest', good.subarray(0, l.digest), /truncated: the file is shorter than its index says/],
    ['cut in the digest', good.subarray(0, l.digest + 20), /truncated: the file is shorter than its index says/],
    ['a blob byte flipped', flip(good, aAt + 2), /digest mismatch/],
    // a byte that is no longer UTF-8 is found while the index is read, which comes first (it says where the digest is)
    ['an index byte flipped', flip(good, 16 + (l.indexLen >> 1)), /the index is not valid JSON/],
    ['an index byte changed, still JSON', patchIndex(good, '"1.0.0"', '"1.0.1"'), /digest mismatch/],
    ['a digest byte flipped', flip(good, l.digest + 5), /digest mismatch/],
    // with the digest made again, each part's own check is what fails
    ['a blob byte flipped, digest fixed', redigest(flip(good, aAt + 2), l.digest), /\/share\/a: content does not match its SHA-256/],
    ['the index made not JSON, digest fixed', redigest(patch(good, 16, '['), l.digest), /the index is not valid JSON/],
    ['a sha256 in the index changed, digest fixed', redigest(patchIndex(good, sha('share a\n'), sha('other')), l.digest), /\/share\/a: content does not match its SHA-256/],
    ['format version 2', u32(good, 8, 2), /unknown format version 2 \(this goblin reads version 1\)/],
    ['format version 0, digest fixed', redigest(u32(good, 8, 0), l.digest), /unknown format version 0/],
    ['bad magic', flip(good, 1), /not an appliance \(bad magic\)/],
    ['trailing junk', cat(good, new Uint8Array(7).fill(0x41)), /7 unexpected bytes after the digest/],
    ['100 bytes of junk where a signature goes', cat(good, new Uint8Array(100).fill(0x41)), /unknown bytes after the digest \(not a signature\)/],
    ['an index length past the end', u32(good, 12, good.length), /truncated: the index is cut short/],
  ];
  const data = join(dir, 'data');
  mkdirSync(data);
  await Promise.all(damaged.map(async ([what, bytes, why], i) => {
    const path = join(dir, `bad${i}.gob`);
    writeFileSync(path, bytes);
    for (const args of [['run', '--mount-hole', `data=${data}`, path], ['inspect', path], ['sh', '--app', path, '-c', 'echo ran']]) {
      const r = await g(cache, args);
      assert.equal(r.code, 126, `${what}: ${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, why, `${what}: ${args[0]}`);
      assert.equal(r.stderr, `goblin: ${path}: ${r.stderr.slice(`goblin: ${path}: `.length)}`, what);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${what}: it printed`);
      noTrace(r.stderr);
    }
  }));
  assert.deepEqual(readdirSync(data), [], 'a damaged appliance ran');
  // the undamaged one does run, so the silence above means something
  const r = await g(cache, ['run', '--mount-hole', `data=${data}`, gob]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'share a\n');
  assert.equal(readFileSync(join(data, 'ran'), 'utf8'), 'yes');
});

test('bad_appliance_version_first: an unknown version is said even though the digest no longer matches', async () => {
  const { gob, cache } = await probeApp();
  const b = u32(new Uint8Array(readFileSync(gob)), 8, 7);
  writeFileSync(gob, b);
  const r = await g(cache, ['run', gob]);
  assert.equal(r.code, 126);
  assert.equal(r.stderr, `goblin: ${gob}: unknown format version 7 (this goblin reads version 1)\n`);
});

test('bad_appliance_missing_base: an appliance whose base is gone (file and cache) is exit 126 naming the base', async () => {
  const dir = scratch(), cache = join(dir, 'cache');
  writeApp(join(dir, 'base'), probeManifest({ name: 'base' }), probeFiles());
  const base = await packed(cache, join(dir, 'base'), join(dir, 'base.gob'));
  writeApp(join(dir, 'app'), { name: 'app', version: '1', entry: '/bin/probe', base: '../base.gob', args: ['cat', '/share/a'], files: { '/etc/x': 'x' } }, { x: 'x' });
  const app = await packed(cache, join(dir, 'app'), join(dir, 'app.gob'));
  const ok = await g(cache, ['run', app.path]);
  assert.equal(ok.stdout, 'share a\n', ok.stderr);
  // the cache alone is enough: the file's path is only a hint
  rmSync(base.path);
  const cached = await g(cache, ['run', app.path]);
  assert.equal(cached.stdout, 'share a\n', cached.stderr);
  assert.equal((await g(cache, ['cache', 'clear'])).code, 0);
  for (const args of [['run', app.path], ['inspect', app.path]]) {
    const r = await g(cache, args);
    assert.equal(r.code, 126, r.stderr);
    assert.equal(r.stderr, `goblin: ${app.path}: base ${base.digest} (base.gob) not found\n`);
    assert.equal(r.stdout, '');
  }
});

test('bad_appliance_manifest: a .gob whose manifest breaks the schema is exit 126 naming the field, and nothing runs', async () => {
  const dir = scratch(), cache = join(dir, 'cache'), data = join(dir, 'data');
  mkdirSync(data);
  const files = [{ path: '/bin/probe', mode: 0o755, data: new Uint8Array(readFileSync(probe)) }];
  const dirs = [{ path: '/bin', mode: 0o755 }];
  const mounts = { data: { path: '/data' } };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ limits: { memory: 'lots' } }, /manifest: limits\.memory: "lots" is not a size such as 64M/],
    [{ bogus: 1 }, /manifest: bogus: not a field of the manifest/],
    [{ name: 'a b' }, /manifest: name: "a b" is not the appliance's name/],
    [{ entry: 'bin/probe' }, /manifest: entry: "bin\/probe" is not an absolute guest path/],
  ];
  for (const [i, [change, why]] of cases.entries()) {
    const manifest = { name: 'bad', version: '1', entry: '/bin/probe', args: ['write', '/data/ran', 'yes', 'args'], mounts, ...change };
    const path = join(dir, `bad${i}.gob`);
    writeFileSync(path, await pack({ manifest: manifest as never, base: null, dirs, files }));
    for (const args of [['run', '--mount-hole', `data=${data}`, path], ['inspect', path]]) {
      const r = await g(cache, args);
      assert.equal(r.code, 126, `${JSON.stringify(change)}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  }
  assert.deepEqual(readdirSync(data), []);
});

// --- layering ---

test('base_layers: an app over its base over the base\'s base: upper files win, directories merge, the entry may come from below', async () => {
  const dir = scratch(), cache = join(dir, 'cache');
  writeApp(join(dir, 'os'), { name: 'os', version: '1', entry: '/bin/probe', files: { '/bin/probe': 'probe.wasm', '/share': 'share' } },
    { 'probe.wasm': readFileSync(probe), 'share/a': 'os a\n', 'share/b': 'os b\n', 'share/c': 'os c\n', 'share/d/x': 'os d/x\n' });
  await packed(cache, join(dir, 'os'), join(dir, 'os.gob'));
  writeApp(join(dir, 'base'), { name: 'base', version: '2', entry: '/bin/probe', base: '../os.gob', files: { '/share': 'share' } },
    { 'share/a': 'base a\n', 'share/b': 'base b\n', 'share/d/y': 'base d/y\n' });
  await packed(cache, join(dir, 'base'), join(dir, 'base.gob'));
  writeApp(join(dir, 'app'), {
    name: 'app', version: '3', entry: '/bin/probe', base: '../base.gob', files: { '/share/b': 'b', '/share/e': 'e' },
    args: ['cat', '/share/a', 'cat', '/share/b', 'cat', '/share/c', 'cat', '/share/d/x', 'cat', '/share/d/y', 'cat', '/share/e', 'ls', '/share', 'ls', '/share/d'],
  }, { b: 'app b\n', e: 'app e\n' });
  const app = await packed(cache, join(dir, 'app'), join(dir, 'app.gob'));
  const r = await g(cache, ['run', app.path]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'base a\napp b\nos c\nos d/x\nbase d/y\napp e\na\nb\nc\nd\ne\nx\ny\n');
  // the shell sees the same merged image, with the rootfs's tools under /bin
  const sh = await g(cache, ['sh', '--app', app.path, '-c', 'cat /share/b /share/a; ls /share']);
  assert.equal(sh.stdout, 'app b\nbase a\n/share/a\n/share/b\n/share/c\n/share/d\n/share/e\n', sh.stderr);
  const i = await g(cache, ['inspect', '--json', app.path]);
  assert.equal(i.code, 0, i.stderr);
  assert.deepEqual((JSON.parse(i.stdout) as { base: { name: string }[] }).base.map(b => b.name), ['base', 'os']);
});

// --- the rootfs under the image ---

test('sh_in_appliance: the rootfs tools are under the image\'s /bin; the image is read-only and /tmp is not', async () => {
  const { gob, cache } = await probeApp();
  const r = await g(cache, ['sh', '--app', gob, '-c', 'ls /bin; cat /share/a /share/sub/b; echo no > /share/new || echo refused; echo tmp > /tmp/t && cat /tmp/t']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  for (const tool of ['/bin/cat', '/bin/ls', '/bin/sha256sum', '/bin/probe']) assert.ok(lines.includes(tool), `${tool} missing from ${r.stdout}`);
  assert.ok(r.stdout.endsWith('share a\nshare sub b\nrefused\ntmp\n'), r.stdout);
  assert.match(r.stderr, /\/share\/new: read-only file system/);
  // the image's own program runs from the shell, and a file of the image is not writable either
  const p = await g(cache, ['sh', '--app', gob, '-c', 'probe write /share/a x cat /share/a; rm /share/a || echo kept']);
  assert.equal(p.stdout, 'write /share/a: Read-only file system\nshare a\nkept\n', p.stderr);
  // goblin sh APP.gob, with the script on stdin
  const s = await g(cache, ['sh', gob], { stdin: 'cat /share/a\n' });
  assert.equal(s.stdout, 'share a\n', s.stderr);
});

// --- mount holes ---

test('mount_holes: required, filled, read-only by flag or by manifest, through --dir, and unknown names', async () => {
  const { gob, dir, cache } = await probeApp({
    args: ['write', '/data/out', 'written', 'cat', '/data/out'],
    mounts: {
      data: { path: '/data', required: true, description: 'where it writes' },
      ref: { path: '/ref', readonly: true },
      opt: { path: '/opt' },
    },
  });
  const data = join(dir, 'data'), ref = join(dir, 'ref');
  mkdirSync(data); mkdirSync(ref);
  writeFileSync(join(ref, 'r'), 'ref r\n');
  // required and empty: exit 2 naming it, before anything runs
  const empty = await g(cache, ['run', gob]);
  assert.equal(empty.code, 2);
  assert.equal(empty.stdout, '');
  assert.match(empty.stderr, /^goblin: probe needs mount hole data at \/data \(where it writes\): give --mount-hole data=HOST\[:ro\]\n$/);
  const emptySh = await g(cache, ['sh', '--app', gob, '-c', 'echo ran']);
  assert.equal(emptySh.code, 2);
  assert.equal(emptySh.stdout, '');
  assert.match(emptySh.stderr, /mount hole data/);
  // filled: the app's file appears on the host
  const filled = await g(cache, ['run', '--mount-hole', `data=${data}`, gob]);
  assert.equal(filled.code, 0, filled.stderr);
  assert.equal(filled.stdout, 'written');
  assert.equal(readFileSync(join(data, 'out'), 'utf8'), 'written');
  // :ro
  rmSync(join(data, 'out'));
  const ro = await g(cache, ['run', '--mount-hole', `data=${data}:ro`, gob]);
  assert.equal(ro.code, 2, ro.stdout); // two failed ops
  assert.match(ro.stdout, /^write \/data\/out: Read-only file system\n/);
  assert.deepEqual(readdirSync(data), []);
  // a hole the manifest makes read-only stays so without :ro
  const held = await g(cache, ['run', '--mount-hole', `data=${data}`, '--mount-hole', `ref=${ref}`, gob, 'cat', '/ref/r', 'write', '/ref/r', 'changed', 'write', '/ref/new', 'x']);
  assert.equal(held.code, 2, held.stdout + held.stderr);
  assert.match(held.stdout, /^ref r\nwrite \/ref\/r: Read-only file system\nwrite \/ref\/new: /);
  assert.equal(readFileSync(join(ref, 'r'), 'utf8'), 'ref r\n');
  assert.deepEqual(readdirSync(ref), ['r']);
  // --dir HOST::GUEST at a hole's path fills that hole
  const viaDir = await g(cache, ['run', '--dir', `${data}::/data`, gob]);
  assert.equal(viaDir.code, 0, viaDir.stderr);
  assert.equal(readFileSync(join(data, 'out'), 'utf8'), 'written');
  // an optional hole left empty is simply not there
  const opt = await g(cache, ['run', '--mount-hole', `data=${data}`, gob, 'ls', '/opt']);
  assert.equal(opt.code, 1);
  assert.match(opt.stdout, /^ls \/opt: No such file or directory\n$/);
  // unknown names
  const unknown = await g(cache, ['run', '--mount-hole', `data=${data}`, '--mount-hole', `nope=${data}`, gob]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.equal(unknown.stderr, `goblin: --mount-hole nope=${data}: probe has no mount hole nope (data, opt, ref)\n`);
  const malformed = await g(cache, ['run', '--mount-hole', 'data', gob]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /--mount-hole data: expected NAME=HOST/);
});

// --- pack's manifest errors ---

test('pack_manifest_errors: each is exit 2 naming its field, and writes nothing', async () => {
  const good = probeManifest();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ name: undefined }, /name: required, missing/],
    [{ entry: 'bin/probe' }, /entry: "bin\/probe" is not an absolute guest path/],
    [{ limits: { memory: 'lots' } }, /limits\.memory: "lots" is not a size such as 64M/],
    [{ limits: { timeout: 'soon' } }, /limits\.timeout: "soon" is not a duration/],
    [{ bogus: true }, /bogus: not a field of the manifest/],
    [{ mounts: { data: { path: '/data', rw: true } } }, /mounts\.data\.rw: not a field of mounts\.data/],
    [{ files: { '/bin/probe': 'probe.wasm', '/gone': 'no-such-file' } }, /files: \/gone: .*no-such-file does not exist/],
    [{ files: { 'rel/path': 'probe.wasm' } }, /files.*rel\/path/],
    [{ entry: '/bin/nope' }, /entry \/bin\/nope is not a file of the image/],
    [{ base: 'missing.gob' }, /base: missing\.gob: no such file/],
  ];
  for (const [change, why] of cases) {
    const dir = scratch();
    writeApp(dir, { ...good, ...change }, probeFiles());
    const r = await g(join(dir, 'cache'), ['pack', dir, '-o', join(dir, 'out.gob')]);
    assert.equal(r.code, 2, `${JSON.stringify(change)}: ${r.stderr}`);
    assert.match(r.stderr, /^goblin: pack: /);
    assert.match(r.stderr, why, JSON.stringify(change));
    assert.equal(r.stdout, '');
    noTrace(r.stderr);
    assert.ok(!existsSync(join(dir, 'out.gob')), 'a failed pack wrote its output');
  }
  const none = await g(scratch(), ['pack', join(scratch(), 'nothing')]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no manifest there/);
  const dir = scratch();
  writeFileSync(join(dir, 'goblin.json'), '{ not json');
  const notJson = await g(join(dir, 'cache'), ['pack', dir]);
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /not JSON/);
});

// --- signatures ---

test('signatures: keygen, pack --sign, run --trust; unsigned, wrong key and tampered are exit 126', async () => {
  const dir = scratch(), cache = join(dir, 'cache');
  const kg = await g(cache, ['keygen', 'alice'], { cwd: dir });
  assert.equal(kg.code, 0, kg.stderr);
  assert.equal((await g(cache, ['keygen', 'mallory'], { cwd: dir })).code, 0);
  assert.ok(existsSync(join(dir, 'alice.key')) && existsSync(join(dir, 'alice.pub')));
  assert.equal(statSync(join(dir, 'alice.key')).mode & 0o077, 0, 'the private key is readable by others');
  const again = await g(cache, ['keygen', 'alice'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /alice\.key exists/);
  writeApp(join(dir, 'src'), probeManifest({ args: ['cat', '/share/a'] }), probeFiles());
  const signed = await packed(cache, join(dir, 'src'), join(dir, 'signed.gob'), ['--sign', join(dir, 'alice.key')]);
  const unsigned = await packed(cache, join(dir, 'src'), join(dir, 'unsigned.gob'));
  const alice = join(dir, 'alice.pub'), mallory = join(dir, 'mallory.pub');

  const ok = await g(cache, ['run', '--trust', alice, signed.path]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'share a\n');
  // either of two trusted keys will do
  const either = await g(cache, ['run', '--trust', mallory, '--trust', alice, signed.path]);
  assert.equal(either.code, 0, either.stderr);
  // without --trust a signed appliance runs as any other
  assert.equal((await g(cache, ['run', signed.path])).stdout, 'share a\n');

  const cases: [string, string, RegExp][] = [
    [unsigned.path, alice, /not signed, and --trust asks for a signature/],
    [signed.path, mallory, /signed by a key that is not trusted/],
  ];
  // a blob changed and the digest made again: only the signature can tell
  const b = new Uint8Array(readFileSync(signed.path));
  const l = layout(b);
  assert.ok(l.signed);
  const tampered = join(dir, 'tampered.gob');
  const edited = patchIndex(patchAt(b, blobAt(b, '/share/a'), 'SHARE'), sha('share a\n'), sha('SHARE a\n'));
  writeFileSync(tampered, redigest(edited, l.digest));
  cases.push([tampered, alice, /bad signature: the file was changed after signing/]);
  for (const [app, key, why] of cases) {
    for (const args of [['run', '--trust', key, app], ['inspect', '--trust', key, app], ['sh', '--trust', key, '--app', app, '-c', 'echo ran']]) {
      const r = await g(cache, args);
      assert.equal(r.code, 126, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  }
  // the tampered file is sound otherwise: not checked against a key, it runs and shows the change
  assert.equal((await g(cache, ['run', tampered])).stdout, 'SHARE a\n');
  // inspect names the signer, as the raw key in hex
  const raw = createPublicKey(readFileSync(alice)).export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  const i = await g(cache, ['inspect', signed.path]);
  assert.equal(i.code, 0, i.stderr);
  assert.match(i.stdout, new RegExp(`^signed    by Ed25519 key ${raw} `, 'm'));
  const j = await g(cache, ['inspect', '--json', '--trust', alice, signed.path]);
  assert.equal((JSON.parse(j.stdout) as { signer: string }).signer, raw);
  const u = await g(cache, ['inspect', '--json', unsigned.path]);
  assert.equal((JSON.parse(u.stdout) as { signer: string | null }).signer, null);
  // a --trust that is not a key is a usage error
  writeFileSync(join(dir, 'junk.pub'), 'nonsense');
  const junk = await g(cache, ['run', '--trust', join(dir, 'junk.pub'), signed.path]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /--trust .*junk\.pub: not/);
  // signing with a file that is not a key fails the pack
  const badSign = await g(cache, ['pack', join(dir, 'src'), '-o', join(dir, 'x.gob'), '--sign', alice]);
  assert.equal(badSign.code, 2);
  assert.match(badSign.stderr, /--sign .*alice\.pub: not a private key/);
});

// --- the program cache ---

test('program_cache: a miss stores, the next run hits, a damaged entry is made again; ls and clear', async () => {
  const { gob, cache } = await probeApp({ args: ['cat', '/share/a'] });
  const env = { GOBLIN_DEBUG: 'cache' };
  const first = await g(cache, ['run', gob], { env });
  assert.equal(first.stdout, 'share a\n', first.stderr);
  const key = /goblin: cache: miss (\S+)/.exec(first.stderr)?.[1];
  assert.ok(key, first.stderr);
  assert.match(first.stderr, new RegExp(`goblin: cache: stored ${key}\n`));
  const second = await g(cache, ['run', gob], { env });
  assert.equal(second.stdout, 'share a\n');
  assert.equal(second.stderr, `goblin: cache: hit ${key}\n`);

  const ls = await g(cache, ['cache', 'ls']);
  assert.equal(ls.code, 0);
  assert.match(ls.stdout, new RegExp(`^program +\\d+  [0-9a-f]+/${key}$`, 'm'));
  assert.match(ls.stdout, /^1 entries, \d+ bytes in /m);

  // a flipped byte in the stored code: noticed, made again, and the run still works
  const progs = join(cache, 'programs');
  const [build] = readdirSync(progs);
  const file = join(progs, build!, `${key}.prog`);
  const b = readFileSync(file);
  b[b.length - 10] ^= 0x55;
  writeFileSync(file, b);
  const third = await g(cache, ['run', gob], { env });
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stdout, 'share a\n');
  assert.match(third.stderr, new RegExp(`goblin: cache: damaged ${key}\n`));
  assert.match(third.stderr, new RegExp(`goblin: cache: stored ${key}\n`));
  assert.ok(!readFileSync(file).equals(b), 'the damaged entry was left');
  assert.equal((await g(cache, ['run', gob], { env })).stderr, `goblin: cache: hit ${key}\n`);
  // a cut-short entry too
  writeFileSync(file, b.subarray(0, 3));
  const fourth = await g(cache, ['run', gob], { env });
  assert.equal(fourth.stdout, 'share a\n', fourth.stderr);
  assert.match(fourth.stderr, /damaged/);

  const clear = await g(cache, ['cache', 'clear']);
  assert.equal(clear.code, 0);
  assert.match((await g(cache, ['cache', 'ls'])).stdout, /^0 entries, 0 bytes in /m);
  assert.match((await g(cache, ['run', gob], { env })).stderr, /goblin: cache: miss /);
});

test('program_cache_concurrent: two runs at once on an empty cache both work and leave one sound entry', async () => {
  const { gob, cache } = await probeApp({ args: ['cat', '/share/a'] });
  const env = { GOBLIN_DEBUG: 'cache' };
  const [a, b] = await Promise.all([g(cache, ['run', gob], { env }), g(cache, ['run', gob], { env })]);
  for (const r of [a, b]) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'share a\n');
  }
  const progs = join(cache, 'programs');
  const builds = readdirSync(progs);
  assert.equal(builds.length, 1);
  assert.deepEqual(readdirSync(join(progs, builds[0]!)).filter(f => !f.endsWith('.prog')), [], 'a temporary file was left');
  assert.equal(readdirSync(join(progs, builds[0]!)).length, 1);
  const third = await g(cache, ['run', gob], { env });
  assert.equal(third.stdout, 'share a\n');
  assert.match(third.stderr, /^goblin: cache: hit \S+\n$/);
});

// --- overrides ---

test('manifest_overrides: command-line args, --env, --fuel and --timeout win over the manifest', async () => {
  const { gob, cache } = await probeApp({
    args: ['args', 'env', 'WHO', 'env', 'KEEP'],
    env: { WHO: 'manifest', KEEP: 'kept' },
    limits: { fuel: 2_000_000 },
  });
  const plain = await g(cache, ['run', gob]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, 'argv[0]=probe\nargv[1]=args\nargv[2]=env\nargv[3]=WHO\nargv[4]=env\nargv[5]=KEEP\nWHO=manifest\nKEEP=kept\n');
  const given = await g(cache, ['run', '--env', 'WHO=cli', gob, 'args', 'env', 'WHO', 'env', 'KEEP']);
  assert.equal(given.stdout, 'argv[0]=probe\nargv[1]=args\nargv[2]=env\nargv[3]=WHO\nargv[4]=env\nargv[5]=KEEP\nWHO=cli\nKEEP=kept\n');
  // options after the appliance are its arguments
  const after = await g(cache, ['run', gob, 'args', '--fuel', '1']);
  assert.equal(after.stdout, 'argv[0]=probe\nargv[1]=args\nargv[2]=--fuel\nargv[3]=1\nunknown op --fuel\nunknown op 1\n');
  // the manifest's fuel is too little for this; --fuel gives enough
  const spin = ['spin', '1000000'];
  const starved = await g(cache, ['run', gob, ...spin]);
  assert.equal(starved.code, 136, starved.stderr);
  assert.match(starved.stderr, /fuel exhausted/);
  const fed = await g(cache, ['run', '--fuel', '1000000000', gob, ...spin]);
  assert.equal(fed.code, 0, fed.stderr);
  assert.match(fed.stdout, /^spun /);
  // and in the shell the same limit holds
  const sh = await g(cache, ['sh', '--app', gob, '-c', 'probe spin 1000000']);
  assert.match(sh.stderr, /fuel exhausted/);
});

test('manifest_timeout: the manifest\'s timeout holds, --timeout replaces it', async () => {
  // spinning without end: it always times out, whatever the machine's speed
  const { gob, cache } = await probeApp({ args: ['spin', '-1'], limits: { timeout: '300ms' } });
  const m = await g(cache, ['run', gob]);
  assert.equal(m.code, 124, m.stderr);
  assert.match(m.stderr, /timed out after 300 ms/);
  const c = await g(cache, ['run', '--timeout', '400ms', gob]);
  assert.equal(c.code, 124, c.stderr);
  assert.match(c.stderr, /timed out after 400 ms/);
});

test('manifest_deterministic: deterministic and seed from the manifest; --seed replaces the seed', async () => {
  const det = await probeApp({ args: ['random'], deterministic: true, seed: 7 });
  const one = await g(det.cache, ['run', det.gob]), two = await g(det.cache, ['run', det.gob]);
  assert.match(one.stdout, /^[0-9a-f]{16}\n$/);
  assert.equal(one.stdout, two.stdout);
  const other = await g(det.cache, ['run', '--seed', '8', det.gob]);
  assert.match(other.stdout, /^[0-9a-f]{16}\n$/);
  assert.notEqual(other.stdout, one.stdout);
  assert.equal((await g(det.cache, ['run', '--seed', '8', det.gob])).stdout, other.stdout);
  // a seed alone makes it deterministic
  const seeded = await probeApp({ args: ['random'], seed: 7 });
  assert.equal((await g(seeded.cache, ['run', seeded.gob])).stdout, one.stdout);
  const free = await probeApp({ args: ['random'] });
  const [x, y] = [await g(free.cache, ['run', free.gob]), await g(free.cache, ['run', free.gob])];
  assert.notEqual(x.stdout, y.stdout);
});

// --- inspect ---

test('inspect_json: digest, verified, files with sha256, the base chain', async () => {
  const { gob, dir, cache, digest } = await probeApp({ description: 'probe for tests' });
  const r = await g(cache, ['inspect', '--json', gob]);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as {
    digest: string; verified: boolean; bytes: number; signer: null; manifest: { name: string; description: string };
    base: unknown[]; files: { path: string; type: string; size?: number; sha256?: string; mode: number }[];
  };
  assert.equal(d.digest, digest);
  assert.equal(d.digest, `sha256:${sha(readFileSync(gob).subarray(0, layout(readFileSync(gob)).digest))}`);
  assert.equal(d.verified, true);
  assert.equal(d.bytes, statSync(gob).size);
  assert.equal(d.manifest.description, 'probe for tests');
  assert.deepEqual(d.base, []);
  assert.deepEqual(d.files.map(f => `${f.type} ${f.path}`), ['dir /bin', 'file /bin/probe', 'dir /share', 'file /share/a', 'dir /share/sub', 'file /share/sub/b']);
  const a = d.files.find(f => f.path === '/share/a')!;
  assert.equal(a.sha256, sha('share a\n'));
  assert.equal(a.size, 8);
  assert.equal(a.mode, 0o644);
  assert.equal(d.files.find(f => f.path === '/bin/probe')!.sha256, sha(readFileSync(probe)));

  writeApp(join(dir, 'up'), { name: 'up', version: '2', entry: '/bin/probe', base: '../probe.gob', files: { '/etc/up': 'up' } }, { up: 'up\n' });
  const up = await packed(cache, join(dir, 'up'), join(dir, 'up.gob'));
  const u = JSON.parse((await g(cache, ['inspect', '--json', up.path])).stdout) as typeof d;
  assert.deepEqual(u.base, [{ name: 'probe', version: '1.0.0', digest }]);
  assert.deepEqual(u.files.map(f => f.path), ['/etc', '/etc/up']);
  const text = await g(cache, ['inspect', up.path]);
  assert.match(text.stdout, new RegExp(`^digest    ${up.digest}$`, 'm'));
  assert.match(text.stdout, new RegExp(`^base      probe 1\\.0\\.0 ${digest}$`, 'm'));
  assert.match(text.stdout, /^verified  yes: /m);
  const usage = await g(cache, ['inspect', gob, up.path]);
  assert.equal(usage.code, 2);
});

test('inspect_diff: + added, - removed, ~ changed, manifest fields; exit 1 when they differ, 0 when not', async () => {
  const dir = scratch(), cache = join(dir, 'cache');
  writeApp(join(dir, 'a'), probeManifest({ args: ['x'] }), { ...probeFiles(), 'share/gone': 'gone\n', 'share/same': 'same\n' });
  writeApp(join(dir, 'b'), probeManifest({ version: '2.0.0', env: { A: '1' } }), { ...probeFiles(), 'share/a': 'share a, changed\n', 'share/new': 'new\n', 'share/same': 'same\n' });
  const a = await packed(cache, join(dir, 'a'), join(dir, 'a.gob'));
  const b = await packed(cache, join(dir, 'b'), join(dir, 'b.gob'));
  const r = await g(cache, ['inspect', '--diff', a.path, b.path]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, [
    'manifest.args: ["x"] -> (none)',
    'manifest.env: (none) -> {"A":"1"}',
    'manifest.version: "1.0.0" -> "2.0.0"',
    '~ /share/a (8 -> 17 bytes, content)',
    '- /share/gone (5 bytes)',
    '+ /share/new (4 bytes)',
    '',
  ].join('\n'));
  const j = await g(cache, ['inspect', '--diff', '--json', a.path, b.path]);
  assert.equal(j.code, 1);
  assert.deepEqual(JSON.parse(j.stdout), { same: false, differences: r.stdout.trim().split('\n') });
  const same = await g(cache, ['inspect', '--diff', a.path, a.path]);
  assert.equal(same.code, 0);
  assert.equal(same.stdout, '');
  const one = await g(cache, ['inspect', '--diff', a.path]);
  assert.equal(one.code, 2);
  // a damaged side is 126, as everywhere
  const bb = new Uint8Array(readFileSync(b.path));
  writeFileSync(join(dir, 'bad.gob'), flip(bb, layout(bb).digest));
  const bad = await g(cache, ['inspect', '--diff', a.path, join(dir, 'bad.gob')]);
  assert.equal(bad.code, 126);
  assert.match(bad.stderr, /digest mismatch/);
});

test('the example appliance packs and runs as the README says', async () => {
  const dir = scratch(), cache = join(dir, 'cache');
  const ex = join(repoDir, 'examples');
  const p = await packed(cache, join(ex, 'hello'), join(dir, 'hello.gob'));
  const r = await g(cache, ['run', p.path]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hello from a goblin VM\narg 1: from\narg 2: an\narg 3: appliance\n/);
  copyFileSync(p.path, join(dir, 'copy.gob'));
  assert.equal((await g(cache, ['run', join(dir, 'copy.gob'), 'x'])).stdout.split('\n')[1], 'arg 1: x');
});

// --- byte surgery ---

function u32(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = new Uint8Array(b);
  new DataView(c.buffer).setUint32(at, v, true);
  return c;
}
function cat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a); c.set(b, a.length);
  return c;
}
function patchAt(b: Uint8Array, at: number, text: string): Uint8Array {
  const c = new Uint8Array(b);
  c.set(new TextEncoder().encode(text), at);
  return c;
}
const patch = patchAt;
/** Replaces text of the same length inside the index. */
function patchIndex(b: Uint8Array, from: string, to: string): Uint8Array {
  const l = layout(b);
  const at = Buffer.from(b.subarray(16, l.blobs)).indexOf(from);
  assert.ok(at >= 0 && from.length === to.length);
  return patchAt(b, 16 + at, to);
}

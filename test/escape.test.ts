// Sandbox escape suite: a host tree with secrets beside the bound directory and
// symlinks planted to lead out of it. The guests (test/c/escape_*.c) try `..`
// chains, absolute paths, outward symlinks (following, stat-ing, readlink and
// then opening), links and renames in both directions, creating through dangling
// links, and every kind of write against a read-only bind. Here the host side
// checks what must hold whatever the guest reports: no secret in the output, the
// tree outside the bind unchanged byte for byte, no secret hard-linked or copied in.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hostCheck, runChecks, tempRoot } from './lib/wasi-expect.ts';

interface Tree { top: string; root: string; secret: string; sibling: string; cleanup: () => void }

/** Plants T (see the comment at the top of escape_root.c). */
function plant(tag: string): Tree {
  const { top, root, cleanup } = tempRoot(tag);
  const secret = `SECRET-${randomUUID()}`, sibling = `SIBLING-SECRET-${randomUUID()}`;
  writeFileSync(join(top, 'secret.txt'), `${secret}\n`);
  mkdirSync(join(top, 'sibling', 'subdir'), { recursive: true });
  writeFileSync(join(top, 'sibling', 'sibfile.txt'), `${sibling}\n`);
  mkdirSync(join(top, 'rotree', 'dir'), { recursive: true });
  mkdirSync(join(top, 'rotree', 'emptydir'));
  writeFileSync(join(top, 'rotree', 'file.txt'), 'read-only content\n');
  writeFileSync(join(top, 'rotree', 'dir', 'nested.txt'), 'nested read-only\n');
  symlinkSync('../secret.txt', join(top, 'rotree', 'rel_out'));
  symlinkSync(join(top, 'secret.txt'), join(top, 'rotree', 'abs_out'));
  symlinkSync('..', join(top, 'rotree', 'up_dir'));
  symlinkSync('file.txt', join(top, 'rotree', 'ok_link'));

  writeFileSync(join(root, 'inside.txt'), 'inside content\n');
  mkdirSync(join(root, 'sub'));
  mkdirSync(join(root, 'ro')); // mount point for the read-only bind
  writeFileSync(join(root, 'sub', 'deep.txt'), 'deep content\n');
  writeFileSync(join(root, 'movable.txt'), 'movable\n');
  mkdirSync(join(root, 'movable_dir'));
  const links: [string, string][] = [
    ['abs_secret', join(top, 'secret.txt')], ['rel_secret', '../secret.txt'], ['sub/rel2_secret', '../../secret.txt'],
    ['abs_dir', join(top, 'sibling')], ['rel_dir', '../sibling'], ['root_link', '/'], ['etc_passwd', '/etc/passwd'],
    ['chain1', 'chain2'], ['chain2', 'rel_secret'], ['inner_then_out', 'sub/../../secret.txt'], ['up', '..'], ['sub/upup', '../..'],
    ['dangling_out', '../created_outside.txt'], ['abs_dangling_out', join(top, 'created_abs.txt')], ['dir_dangling_out', '../newdir_outside'],
    ['movable_link', '../secret.txt'], ['abs_to_rotree', join(top, 'rotree', 'file.txt')], ['rel_to_rotree', '../rotree/file.txt'],
    ['to_ro', 'ro/file.txt'], ['ok_link', 'inside.txt'], ['ok_dir_link', 'sub'],
  ];
  for (const [at, to] of links) symlinkSync(to, join(root, at));
  return { top, root, secret, sibling, cleanup };
}

/** Everything about the tree under dir except atime, keyed by path; skip() prunes. */
function snapshot(dir: string, skip: (rel: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (path: string) => {
    const rel = relative(dir, path) || '.';
    if (skip(rel)) return;
    const st = lstatSync(path, { bigint: true });
    let what = `mode ${st.mode} size ${st.size} mtime ${st.mtimeNs} ctime ${st.ctimeNs} nlink ${st.nlink} ino ${st.ino}`;
    if (st.isSymbolicLink()) what += ` -> ${readlinkSync(path)}`;
    else if (st.isFile()) what += ` sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    out.set(rel, what);
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
  };
  visit(dir);
  return out;
}

function assertSameTree(before: Map<string, string>, after: Map<string, string>) {
  const changed: string[] = [];
  for (const [k, v] of before) if (after.get(k) !== v) changed.push(`${k}: ${v} => ${after.get(k) ?? '(gone)'}`);
  for (const k of after.keys()) if (!before.has(k)) changed.push(`${k}: (new) ${after.get(k)}`);
  assert.deepEqual(changed, [], 'the host tree outside the bind changed');
}

/** No regular file under dir holds a secret or is a hard link of one. */
function assertNoSecretInside(dir: string, tree: Tree) {
  const secretInodes = new Set([join(tree.top, 'secret.txt'), join(tree.top, 'sibling', 'sibfile.txt'), join(tree.top, 'rotree', 'file.txt')]
    .map(p => lstatSync(p, { bigint: true }).ino));
  const bad: string[] = [];
  const visit = (path: string) => {
    const st = lstatSync(path, { bigint: true });
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (st.isFile()) {
      if (secretInodes.has(st.ino)) bad.push(`${relative(dir, path)} is a hard link of a file outside`);
      const text = readFileSync(path, 'utf8');
      if (text.includes(tree.secret) || text.includes(tree.sibling)) bad.push(`${relative(dir, path)} holds a secret`);
    }
  };
  visit(dir);
  assert.deepEqual(bad, []);
}

async function hostChecks(t: TestContext, tree: Tree, output: string, before: Map<string, string>, skip: (rel: string) => boolean,
                          nodeWasi: Record<string, string>) {
  await hostCheck(t, 'host_secret_not_in_output', () => {
    assert.ok(!output.includes(tree.secret), 'the secret next to the bind was read');
    assert.ok(!output.includes(tree.sibling), 'the secret in the sibling directory was read');
    assert.doesNotMatch(output, /^root:.*:0:0:/m, 'the host /etc/passwd was read');
  }, nodeWasi.host_secret_not_in_output);
  await hostCheck(t, 'host_tree_outside_unchanged', () => assertSameTree(before, snapshot(tree.top, skip)), nodeWasi.host_tree_outside_unchanged);
  await hostCheck(t, 'host_no_secret_inside', () => assertNoSecretInside(tree.root, tree), nodeWasi.host_no_secret_inside);
}

const outsideRoot = (rel: string) => rel === 'root' || rel.startsWith('root/');

// node:wasi is not a sandbox: uvwasi checks paths lexically (clamping `..` at the
// preopen and resolving a followed last symlink itself, hence ENOENT where WASI wants
// EPERM/ENOTCAPABLE), but hands intermediate symlinks and unfollowed opens to the
// host OS, which walks straight out. Both kinds are recorded, the escapes as such.
const nodeWasiEscapes = (name: string, why: string): string | undefined => {
  if (!name.startsWith('escape_') && !name.startsWith('inside_rename')) return undefined;
  if (/got ENOENT\(44\)/.test(why)) return 'wrong errno: lexical confinement answers ENOENT instead of EPERM/ENOTCAPABLE';
  if (/dotdot|parent/.test(name)) return 'wrong result: uvwasi clamps `..` at the preopen, so the call acts inside it instead of failing';
  return 'ESCAPED: node:wasi lets the host OS follow intermediate (and unfollowed) symlinks out of the preopen';
};
const nodeWasiHost = {
  host_secret_not_in_output: 'node:wasi read the secrets through symlinks (it is not a sandbox)',
  host_tree_outside_unchanged: 'node:wasi wrote, renamed and unlinked outside the preopen through symlinks',
  host_no_secret_inside: 'node:wasi renamed and linked outside files in',
};

test('escape_root: a directory bound at / cannot be left', async t => {
  const tree = plant('escape');
  t.after(tree.cleanup);
  const before = snapshot(tree.top, outsideRoot);
  const r = await runChecks(t, 'escape_root', { flags: ['--dir', `${tree.root}::/`], args: [tree.top], nodeWasiKnown: nodeWasiEscapes });
  await hostChecks(t, tree, r.stdout + r.stderr, before, outsideRoot, nodeWasiHost);
});

const outsideRootExceptMountPoint = (rel: string) => outsideRoot(rel) && rel !== 'root/ro' && !rel.startsWith('root/ro/');

test('escape_ro: a read-only bind stays unchanged', async t => {
  const tree = plant('escape-ro');
  t.after(tree.cleanup);
  const before = snapshot(tree.top, outsideRoot);
  const noRo = 'node:wasi has no read-only preopens; the runner makes --dir X::/ro:ro a second preopen named "/ro:ro", so ro/ paths land in the writable root\'s empty ro/ directory';
  const r = await runChecks(t, 'escape_ro', {
    flags: ['--dir', `${tree.root}::/`, '--dir', `${join(tree.top, 'rotree')}::/ro:ro`],
    nodeWasiKnown: name => (name.startsWith('ro_') ? noRo : undefined),
  });
  await hostChecks(t, tree, r.stdout + r.stderr, before, outsideRoot, {});
  await hostCheck(t, 'host_rotree_file_not_linked', () =>
    assert.equal(lstatSync(join(tree.top, 'rotree', 'file.txt')).nlink, 1, 'the read-only file gained a hard link'));
});

// The exec service (kernel/exec.ts): one rule for what program a command name runs,
// used by goblin.spawn and the shell; the size limit; bytes read once per file version.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fail } from '../src/error.ts';
import { file } from '../src/fs/defaults.ts';
import { RamFs } from '../src/fs/ram.ts';
import { newDev, type File, type Handle } from '../src/fs/types.ts';
import { candidates, Exec, MAX_PROGRAM } from '../src/kernel/exec.ts';
import { collect, source } from '../src/kernel/stdio.ts';
import { buildWorld } from '../src/kernel/world.ts';
import { nodeRootfs } from '../src/node/rootfs.ts';
import { Shell } from '../src/shell/interp.ts';
import { Kernel } from '../src/wasi/kernel.ts';

const enc = new TextEncoder();

function put(dir: File, name: string, text: string): File {
  const f = dir.create(name, 'file', 0o755, false) as File;
  const h = f.open({ read: false, write: true, truncate: true }) as Handle;
  h.write(enc.encode(text), 0);
  h.close();
  return f;
}

/** A namespace with /bin (prog, also) and /w (prog, a directory named also, sub/tool). */
function world() {
  const bin = new RamFs(), w = new RamFs();
  put(bin.root(), 'prog', 'bin-prog');
  put(bin.root(), 'also', 'bin-also');
  put(w.root(), 'prog', 'w-prog');
  w.root().create('also', 'dir', 0o755, true);
  put(w.root().create('sub', 'dir', 0o755, true) as File, 'tool', 'w-tool');
  const { ns } = buildWorld(["bind '#bin' /bin\nbind '#w' /w\n"], {
    device: s => (s === '#bin' ? bin : s === '#w' ? w : undefined), skeleton: ['bin', 'w'],
  });
  return { ns, bin, w };
}

const dec = new TextDecoder();

test('exec_candidates: a name with / is a path; any other is looked for on the search path', () => {
  assert.deepEqual(candidates('ls', ['.', '/bin']), ['./ls', '/bin/ls']);
  assert.deepEqual(candidates('ls', ['', '/bin']), ['ls', '/bin/ls']);
  assert.deepEqual(candidates('sub/tool', ['.', '/bin']), ['sub/tool']);
  assert.deepEqual(candidates('./x', ['/bin']), ['./x']);
  assert.deepEqual(candidates('/bin/ls', ['.']), ['/bin/ls']);
});

test('exec_find: in path order, relative to cwd, skipping what is missing or not a program', async () => {
  const { ns } = world();
  const exec = new Exec();
  const at = (cwd: string, path: string[]) => ({ cwd, path });
  const load = async (name: string, s: { cwd: string; path: string[] }) => {
    const l = await exec.load(ns, name, s);
    return [l.path, dec.decode(l.bytes)];
  };
  assert.deepEqual(await load('prog', at('/w', ['.', '/bin'])), ['./prog', 'w-prog']);
  assert.deepEqual(await load('prog', at('/w', ['/bin', '.'])), ['/bin/prog', 'bin-prog']);
  assert.deepEqual(await load('also', at('/w', ['.', '/bin'])), ['/bin/also', 'bin-also'], 'a directory of that name is passed over');
  assert.deepEqual(await load('sub/tool', at('/w', ['/bin'])), ['sub/tool', 'w-tool']);
  assert.deepEqual(await load('/w/sub/tool', at('/', [])), ['/w/sub/tool', 'w-tool']);
  await assert.rejects(exec.find(ns, 'tool', at('/w', ['.', '/bin'])), { errno: 'ENOENT' }, 'a name without / is not looked for below');
  await assert.rejects(exec.find(ns, 'nothing', at('/', ['/bin'])), { errno: 'ENOENT' });
  await assert.rejects(exec.find(ns, 'also', at('/w', ['.'])), { errno: 'EACCES' }, 'only a directory: not a program');
  await assert.rejects(exec.find(ns, 'prog/x', at('/w', [])), { errno: 'ENOTDIR' });
});

test('exec_read: bytes read once per version of the file; past MAX_PROGRAM is EFBIG', async () => {
  const { bin } = world();
  const exec = new Exec();
  const prog = bin.root().walk('prog') as File;
  const first = await exec.read(prog);
  assert.equal(await exec.read(prog), first, 'the same bytes, not read again');
  put(bin.root(), 'prog', 'changed, longer');
  const second = await exec.read(prog);
  assert.equal(dec.decode(second), 'changed, longer');
  const dev = newDev();
  const huge = file({
    qid: { dev, path: 1, type: 'file' as const },
    stat: () => ({ type: 'file' as const, dev, ino: 1, mode: 0o755, nlink: 1, size: MAX_PROGRAM + 1, atime: 0n, mtime: 0n, ctime: 0n }),
    open: (): Handle => { throw fail('EIO', 'never opened'); },
  });
  await assert.rejects(exec.read(huge), { errno: 'EFBIG' });
});

test('exec_shell_and_spawn_agree: relative names with / run from the current directory, bare names from the path', async () => {
  const kernel = new Kernel();
  const out = collect(), err = collect();
  const sh = new Shell({ kernel, rootfs: nodeRootfs(), stdout: out, stderr: err, stdin: source('') });
  // the shell runs sub/hello from /tmp; xargs (goblin.spawn) runs the same name with the shell's $PWD
  await sh.run('cd /tmp; mkdir sub; cp /bin/echo sub/hello; sub/hello shell; echo spawn | xargs sub/hello; echo path | xargs echo; hello; echo $status');
  assert.equal(err.text(), 'rc: hello: not found\n');
  assert.equal(out.text(), 'shell\nspawn\npath\nnot found\n');
  const bin = await kernel.exec.find(sh.top.space.ns, 'echo', { cwd: '/', path: ['/bin'] });
  assert.equal(bin.path, '/bin/echo');
});

// Properties of cleanName and of walking paths over a namespace (src/ns/walk.ts),
// checked with fast-check over random paths and random RamFs trees. The oracles are
// independent of the code under test: node's posix.normalize for cleanName, and a
// tree built beside the RamFs one for where a walk must land.
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { fail, GoblinError } from '../src/error.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File } from '../src/fs/types.ts';
import { Namespace, type Chan } from '../src/ns/namespace.ts';
import { cleanName, walk, type Walked } from '../src/ns/walk.ts';

const runs = { numRuns: 300 };

/** Paths made of the pieces that matter: names, '.', '..', empty components, maybe rooted. */
const messyPath = fc.tuple(fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'cc', '.', '..', '', '...', '.a'), { maxLength: 10 }), fc.boolean())
  .map(([rooted, parts, trailing]) => (rooted ? '/' : '') + parts.join('/') + (trailing ? '/' : ''));
const anyPath = fc.oneof(messyPath, fc.string({ unit: fc.constantFrom('a', '.', '/', 'é'), maxLength: 20 }), fc.string());

/** posix.normalize, which keeps a trailing slash that cleanName drops. */
const normalized = (p: string): string => {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
};

/** The lowest depth a path's `..`s reach, counting from where it starts (0 when it never climbs). */
function lowest(path: string): number {
  let depth = 0, low = 0;
  for (const c of path.split('/')) {
    if (c === '..') low = Math.min(low, --depth);
    else if (c !== '' && c !== '.') depth++;
  }
  return low;
}

test('cleanName agrees with posix.normalize (less a trailing slash)', () => {
  fc.assert(fc.property(anyPath, p => { assert.equal(cleanName(p), normalized(p)); }), runs);
});

test('cleanName is idempotent', () => {
  fc.assert(fc.property(anyPath, p => { assert.equal(cleanName(cleanName(p)), cleanName(p)); }), runs);
});

test('cleanName yields no empty or "." components, and keeps a path rooted or relative', () => {
  fc.assert(fc.property(anyPath, p => {
    const c = cleanName(p);
    assert.equal(c.startsWith('/'), p.startsWith('/'));
    if (c === '/' || c === '.') return;
    const parts = (c.startsWith('/') ? c.slice(1) : c).split('/');
    assert.ok(!parts.includes(''), `empty component in ${JSON.stringify(c)}`);
    assert.ok(!parts.includes('.'), `'.' component in ${JSON.stringify(c)}`);
  }), runs);
});

test('cleanName never climbs above the root of a rooted path', () => {
  fc.assert(fc.property(anyPath, p => {
    const c = cleanName('/' + p);
    assert.ok(!c.split('/').includes('..'), `${JSON.stringify(p)} -> ${JSON.stringify(c)}`);
  }), runs);
});

test("cleanName keeps a relative path's climb above its start as leading '..'s, and no other", () => {
  fc.assert(fc.property(messyPath.filter(p => !p.startsWith('/')), p => {
    const parts = cleanName(p).split('/');
    const ups = parts.findIndex(c => c !== '..');
    const leading = ups < 0 ? parts.length : ups;
    assert.equal(leading, Math.max(0, -lowest(p)), `${JSON.stringify(p)} -> ${JSON.stringify(cleanName(p))}`);
    assert.ok(!parts.slice(leading).includes('..'));
  }), runs);
});

// ---- walks over a RamFs tree ----------------------------------------------------

/** A tree as data: a directory maps names to subtrees; a file is its text. */
interface Dir { [name: string]: Dir | string }
const names = ['a', 'b', 'c'] as const;
const { dir: arbDir } = fc.letrec<{ dir: Dir }>(tie => ({
  dir: fc.dictionary(fc.constantFrom(...names), fc.oneof({ maxDepth: 3 }, fc.constant('text'), tie('dir')), { maxKeys: 3 }),
}));

interface Built { ns: Namespace; qids: Map<string, number> }

/** The tree in a RamFs; qids maps each clean absolute path to the qid.path it must reach. */
function build(tree: Dir): Built {
  const ram = new RamFs();
  const qids = new Map<string, number>([['/', ram.root().qid.path]]);
  const fill = (at: File, d: Dir, path: string) => {
    for (const [name, sub] of Object.entries(d)) {
      const f = at.create!(name, typeof sub === 'string' ? 'file' : 'dir', 0o755, true) as File;
      const p = path === '/' ? `/${name}` : `${path}/${name}`;
      qids.set(p, f.qid.path);
      if (typeof sub !== 'string') fill(f, sub, p);
    }
  };
  fill(ram.root(), tree, '/');
  return { ns: new Namespace(ram.root(), () => { throw fail('ENOENT'); }), qids };
}

/**
 * A path that can be walked in `tree` from `start` (a clean absolute directory path):
 * each step is '.', '' (not first), a '..' that stays at or below the start, or the name of a
 * child (a file only as the last step). `choices` pick the steps.
 */
function walkable(tree: Dir, start: string, choices: number[]): { path: string; lands: string } {
  const at: string[] = start === '/' ? [] : start.slice(1).split('/');
  const floor = at.length;
  const dirAt = (): Dir => at.reduce((d, n) => d[n] as Dir, tree);
  const steps: string[] = [];
  for (const [i, k] of choices.entries()) {
    const kids = Object.entries(dirAt()).filter(([, s]) => typeof s !== 'string' || i === choices.length - 1);
    // an empty first step would make the path rooted
    const moves = ['.', ...(i ? [''] : []), ...(at.length > floor ? ['..'] : []), ...kids.map(([n]) => n)];
    const m = moves[k % moves.length]!;
    steps.push(m);
    if (m === '..') at.pop();
    else if (m !== '' && m !== '.') at.push(m);
  }
  return { path: steps.join('/'), lands: '/' + at.join('/') };
}

/** The qid.path a walk ends at, or the errno it fails with. */
function end(ns: Namespace, base: readonly Chan[], path: string): number | string {
  try {
    const w = walk(ns, base, path, { follow: true, rootedLinks: true }) as Walked;
    return w.stack[w.stack.length - 1]!.file.qid.path;
  } catch (e) {
    if (e instanceof GoblinError) return e.errno;
    throw e;
  }
}

/** The chans from the root down to a clean absolute directory path. */
function chansTo(ns: Namespace, path: string): Chan[] {
  const out = [ns.root];
  for (const n of path === '/' ? [] : path.slice(1).split('/')) out.push(ns.step(out[out.length - 1]!, n) as Chan);
  return out;
}

const dirsOf = (tree: Dir, path = '/'): string[] => [path, ...Object.entries(tree).flatMap(([n, s]) =>
  typeof s === 'string' ? [] : dirsOf(s, path === '/' ? `/${n}` : `${path}/${n}`))];

test('an absolute path walks to the file the model says, and so does its cleanName', () => {
  fc.assert(fc.property(arbDir, fc.array(fc.nat(), { maxLength: 12 }), (tree, choices) => {
    const { ns, qids } = build(tree);
    const { path, lands } = walkable(tree, '/', choices);
    const raw = '/' + path;
    assert.equal(end(ns, [ns.root], raw), qids.get(lands), raw);
    assert.equal(cleanName(raw), lands);
    assert.equal(end(ns, [ns.root], cleanName(raw)), qids.get(lands), cleanName(raw));
  }), runs);
});

test('a relative path that stays below its start walks where its cleanName does', () => {
  fc.assert(fc.property(arbDir, fc.nat(), fc.array(fc.nat(), { maxLength: 12 }), (tree, pick, choices) => {
    const { ns, qids } = build(tree);
    const dirs = dirsOf(tree);
    const start = dirs[pick % dirs.length]!;
    const { path, lands } = walkable(tree, start, choices);
    const base = chansTo(ns, start);
    assert.equal(end(ns, base, path), qids.get(lands), `${path} from ${start}`);
    assert.equal(end(ns, base, cleanName(path)), qids.get(lands), `${cleanName(path)} from ${start}`);
  }), runs);
});

test("whatever a path, a walk that succeeds lands where its cleanName's walk does", () => {
  // the raw walk may fail where the clean one does not ('missing/..', '/..', 'file/'),
  // never the other way round, and never at another file
  const treePath = fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...names, '.', '..', ''), { maxLength: 8 }), fc.boolean())
    .map(([rooted, parts, slash]) => (rooted ? '/' : '') + parts.join('/') + (slash ? '/' : ''));
  fc.assert(fc.property(arbDir, treePath, (tree, path) => {
    const { ns } = build(tree);
    const raw = end(ns, [ns.root], path);
    if (typeof raw === 'number') assert.equal(end(ns, [ns.root], cleanName(path)), raw, `${path} vs ${cleanName(path)}`);
  }), runs);
});

test("a '..' above the walk's start is refused (ENOTCAPABLE), whatever lies above", () => {
  fc.assert(fc.property(arbDir, fc.nat(), fc.array(fc.nat(), { maxLength: 8 }), (tree, pick, choices) => {
    const { ns } = build(tree);
    const dirs = dirsOf(tree);
    const start = dirs[pick % dirs.length]!;
    const { path } = walkable(tree, start, choices);
    // climb back to the start, then one more
    const climb = cleanName(path) === '.' ? '..' : `${path}/${cleanName(path).split('/').map(() => '..').join('/')}/..`;
    assert.equal(end(ns, chansTo(ns, start), climb), 'ENOTCAPABLE', `${climb} from ${start}`);
  }), runs);
});

// The layering rule (scripts/check-layers.ts) holds for src/, and the checker
// itself catches what it is there to catch, planted in a scratch copy.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkLayers } from '../scripts/check-layers.ts';
import { repoDir } from './lib/cc.ts';

const src = join(repoDir, 'src');

test('src_imports_point_down_only', () => {
  assert.deepEqual(checkLayers(src), []);
});

function planted(file: string, line: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-layers-'));
  try {
    cpSync(src, dir, { recursive: true });
    appendFileSync(join(dir, file), `\n${line}\n`);
    return checkLayers(dir);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('checker_fails_on_kernel_importing_wasi', () => {
  assert.deepEqual(planted('kernel/vm.ts', "import { Fd } from '../wasi/fd.ts';"),
    ['kernel/vm.ts: imports ../wasi/fd.ts, but kernel/ may not depend on wasi (a layer above)']);
});

test('checker_counts_type_only_dynamic_and_reexports', () => {
  assert.equal(planted('ns/walk.ts', "import type { Shell } from '../shell/interp.ts';").length, 1);
  assert.equal(planted('fs/ram.ts', "export const k = () => import('../kernel/kernel.ts');").length, 1);
  assert.equal(planted('ninep/codec.ts', "export { RamFs } from '../fs/ram.ts';").length, 1);
});

test('checker_fails_on_same_layer_imports', () => {
  assert.deepEqual(planted('exportfs/server.ts', "import '../kernel/pipe.ts';"),
    ['exportfs/server.ts: imports ../kernel/pipe.ts, but exportfs/ may not depend on kernel (same layer)']);
});

test('checker_fails_on_node_modules_in_the_core', () => {
  assert.deepEqual(planted('wasi/fd.ts', "import { readFileSync } from 'node:fs';"),
    ['wasi/fd.ts: imports node:fs, but the core imports no Node module or package']);
  assert.deepEqual(planted('shell/lex.ts', "import 'ws';"), ['shell/lex.ts: imports ws, but the core imports no Node module or package']);
  assert.deepEqual(planted('node/cli.ts', "import 'node:fs';"), [], 'host adapters may');
});

test('checker_fails_on_a_folder_in_no_layer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-layers-'));
  try {
    cpSync(src, dir, { recursive: true });
    cpSync(join(dir, 'fs', 'ram.ts'), join(dir, 'stray', 'x.ts'), { recursive: true });
    assert.deepEqual(checkLayers(dir), ['stray/x.ts: stray is in no layer (add it to scripts/check-layers.ts)']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

// The layering rule, checked: a folder of src/ may import only folders of a lower
// layer (and itself), and the core (everything but the host adapters) imports no
// Node module and no package, so it runs in a browser. Every import counts:
// static, dynamic, `export ... from` and type-only alike.
//
//   node scripts/check-layers.ts [SRC_DIR]     prints each violation; exit 1 if any
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Layers, lowest first; a folder may import a folder from an earlier row only. */
export const LAYERS: readonly (readonly string[])[] = [
  ['error.ts', 'jspi.d.ts'],
  ['ninep', 'wasm'],
  ['fs', 'fuel'],
  ['ns', 'appliance'],
  ['kernel', 'exportfs'],
  ['wasi'],
  ['shell'],
  ['index.ts'],
  ['node'],
];
/** Host adapters: the only folders that may import node: modules and packages. */
export const HOST = new Set(['node']);

const rankOf = new Map(LAYERS.flatMap((row, i) => row.map(name => [name, i] as const)));

/** The top-level entry of src/ that a file belongs to ('kernel', 'error.ts', ...). */
function unitOf(src: string, file: string): string {
  return relative(src, file).split(sep)[0]!;
}

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.(ts|js|mts)$/.test(e.name)) yield p;
  }
}

export function checkLayers(srcDir: string): string[] {
  const src = resolve(srcDir);
  const problems: string[] = [];
  for (const file of sources(src)) {
    const from = unitOf(src, file);
    const rank = rankOf.get(from);
    const where = relative(src, file);
    if (rank === undefined) { problems.push(`${where}: ${from} is in no layer (add it to scripts/check-layers.ts)`); continue; }
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith('.')) {
        if (!HOST.has(from)) problems.push(`${where}: imports ${spec}, but the core imports no Node module or package`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src + sep)) { problems.push(`${where}: imports ${spec}, outside src/`); continue; }
      const to = unitOf(src, target);
      if (to === from) continue;
      const toRank = rankOf.get(to);
      if (toRank === undefined || toRank >= rank) problems.push(`${where}: imports ${spec}, but ${from}/ may not depend on ${to}${toRank === rank ? ' (same layer)' : ' (a layer above)'}`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const problems = checkLayers(dir);
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
}

// npm run build: src/ compiled to dist/ (JavaScript and declarations) by tsc.
// tsc rewrites `./x.ts` imports to `./x.js` in the JavaScript it emits but not in
// declarations, so those are rewritten here: a consumer's TypeScript then needs
// no special option to read them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(top, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(top, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.\.?\/[^'"]*?)\.ts(['"])/g;
for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.d.ts')) continue;
  const p = join(e.parentPath, e.name);
  const text = readFileSync(p, 'utf8');
  const out = text.replace(relativeTs, '$1$2.js$3');
  if (out !== text) writeFileSync(p, out);
}

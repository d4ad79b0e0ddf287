// Compiles a C test program to wasm32-wasi during the test run, cached by content.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const testDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(testDir, '..');
const buildDir = join(testDir, '.build');

/** Path of the .wasm built from test/c/NAME.c (or an absolute .c path). */
export function cc(source: string, flags: string[] = []): string {
  const src = source.endsWith('.c') ? resolve(testDir, source) : join(testDir, 'c', `${source}.c`);
  const text = readFileSync(src);
  // the key covers the headers beside the source too, so a changed header rebuilds its users
  const hash = createHash('sha256').update(text).update(flags.join(' '));
  const dir = dirname(src);
  for (const h of readdirSync(dir).filter(f => f.endsWith('.h')).sort()) hash.update(h).update(readFileSync(join(dir, h)));
  const key = hash.digest('hex').slice(0, 16);
  const out = join(buildDir, `${src.replace(/^.*\//, '').replace(/\.c$/, '')}-${key}.wasm`);
  if (!existsSync(out)) {
    mkdirSync(buildDir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-Wall', '-Werror', '-Wl,--strip-all', '-o', tmp, src, ...flags], { stdio: 'inherit' });
    execFileSync('mv', [tmp, out]);
  }
  return out;
}

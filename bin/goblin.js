#!/usr/bin/env node
// Goblin runs on Node 26 (JSPI); the repo pins it, so an older node hands over to it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 26) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(`goblin: needs Node 26 or newer (this is ${process.version}); run npm install first\n`);
    process.exit(2);
  }
  const r = spawnSync(pinned, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
// cache V8 code and stripped TypeScript between runs: start-up drops from ~250 ms to tens
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../src/node/cli.ts');
main(process.argv);

#!/usr/bin/env node
// The goblin command: the built CLI (dist/), on a Node that has JSPI (WebAssembly
// stack switching): on by default from Node 26; Node 24 and 25 have it behind
// --experimental-wasm-jspi, which this turns on for them.
const FLAG = '--experimental-wasm-jspi';
const major = Number(process.versions.node.split('.')[0]);
const hasJspi = typeof WebAssembly.Suspending === 'function';

/** Runs this same command on another node (or this one with the flag) and passes its exit on. */
async function handOver(node, flags) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(node, [...flags, ...process.argv.slice(1)], { stdio: 'inherit' });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}

if (!hasJspi) {
  // only here are these needed: a start with JSPI loads nothing it does not use
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  // a checkout of the repository pins Node 26 as a devDependency: use it
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (major < 24 && existsSync(pinned)) await handOver(pinned, []);
  if (major >= 24 && !process.execArgv.includes(FLAG)) await handOver(process.execPath, [FLAG]);
  process.stderr.write(`goblin: needs Node 24 or newer with JSPI (this is ${process.version}); Node 26 has it on, Node 24 and 25 need ${FLAG}\n`);
  process.exit(2);
}
// cache V8's code between runs: start-up drops from ~250 ms to tens
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../dist/cli/cli.js');
main(process.argv);

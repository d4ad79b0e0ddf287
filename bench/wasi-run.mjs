// The peer of `goblin run`: node running a wasm command through node:wasi, as a
// whole process. node wasi-run.mjs APP.wasm [ARGS...]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const [app, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [app, ...args], env: {}, preopens: { '/': '/' }, returnOnExit: true });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(app)), wasi.getImportObject());
process.exitCode = wasi.start(instance);

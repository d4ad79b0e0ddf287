// Goblin's library entry point.
//   import { Kernel, collect } from 'goblin';
//   const kernel = new Kernel();
//   const out = collect();
//   const vm = kernel.spawn({ module: bytes, args: ['hello'], stdout: out });
//   const { code } = await vm.exit;
export { Kernel, DEFAULT_NS, type KernelHost, type SpawnSpec } from './kernel/kernel.ts';
export { Vm, EXIT_CODES, type ExitStatus, type Limits } from './kernel/vm.ts';
export { Program } from './kernel/program.ts';
export { Pipe } from './kernel/pipe.ts';
export { collect, source, nothing, type Sink } from './kernel/stdio.ts';
export { Namespace, MREPL, MBEFORE, MAFTER, MCREATE, type Chan } from './ns/namespace.ts';
export { walk, lookup, cleanName } from './ns/walk.ts';
export { parseLine, formatOp, apply, applyText } from './ns/text.ts';
export { RamFs } from './fs/ram.ts';
export type { File, FileServer, Handle, Stat, Dirent, Qid, Maybe } from './fs/types.ts';
export { GoblinError, type Errno } from './error.ts';

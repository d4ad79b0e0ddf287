// goblin.spawn: a VM starts another program and waits for it, as Plan 9's
// rfork+exec+wait. WASI preview 1 has no way to start a program; this is the one
// kernel service Goblin adds, for tools like xargs. The child runs in the parent's
// namespace with its environment and its standard input, output and error (shared:
// the child closing them does not close them for the parent). Which program a
// name runs is the exec service's answer (exec.ts), as for the shell.
import { handle } from '../fs/defaults.ts';
import type { Handle } from '../fs/types.ts';

export const SPAWN_IMPORT = { module: 'goblin', name: 'spawn' };

/** The kernel's side: start argv as a child of the VM and answer its exit code. */
export type SpawnChild = (argv: string[]) => Promise<number>;

/** A handle lent to a child: everything but close passes through. */
export function lend(h: Handle): Handle {
  return handle({
    seekable: h.seekable,
    read: (d: Uint8Array, o: number) => h.read(d, o),
    write: (s: Uint8Array, o: number) => h.write(s, o),
    // poll asks whether these exist: a lent handle has them when the original does
    ready: h.ready?.bind(h),
    whenReady: h.whenReady?.bind(h),
  });
}

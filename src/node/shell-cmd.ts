// `goblin sh` as a command of the goblin CLI. The shell itself (shell.ts, with the
// kernel and the rootfs) is loaded only when the command runs, so the other
// commands (a long-running `goblin export`) do not carry it in their heap.
import type { Command } from 'commander';
import { worldOptions } from './options.ts';
import type { ShOptions } from './shell.ts';

/** Adds `sh` to the goblin command, as the default when no subcommand is named. */
export function registerShell(program: Command): void {
  worldOptions(program.command('sh', { isDefault: true })
    .description('the rc shell in the embedded rootfs (interactive without arguments)')
    .argument('[script]', 'a file of rc commands')
    .argument('[args...]', 'its arguments ($*)')
    .option('-c, --command <cmd>', 'run cmd instead of a script')
    .option('-e', 'a command that fails ends the shell (rc -e)')
    .option('-x', 'print each command before it runs (rc -x)'))
    .passThroughOptions()
    .action(async (script: string | undefined, args: string[], o: ShOptions) => (await import('./shell.ts')).shellMain(script, args, o));
}

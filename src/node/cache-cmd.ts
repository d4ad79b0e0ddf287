// `goblin cache ls` and `goblin cache clear`: what the cache directory holds.
import type { Command } from 'commander';
import { cacheDir, cacheEntries, clearCache } from './cache.ts';

export function registerCache(program: Command): void {
  const cache = program.command('cache').description(`the cache of appliances and compiled programs (${cacheDir()})`);
  cache.command('ls')
    .description('list what the cache holds')
    .action(() => {
      const all = cacheEntries();
      for (const e of all) process.stdout.write(`${e.kind.padEnd(9)} ${String(e.bytes).padStart(10)}  ${e.name}\n`);
      process.stdout.write(`${all.length} entries, ${all.reduce((n, e) => n + e.bytes, 0)} bytes in ${cacheDir()}\n`);
    });
  cache.command('clear')
    .description('remove everything the cache holds')
    .action(() => { clearCache(); process.stdout.write(`cleared ${cacheDir()}\n`); });
}

// npm run bench: every benchmark file in turn, each Goblin beside its peer.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let failed = 0;
for (const f of ['core.ts', 'fuel.ts', 'shell.ts', 'ninep.ts', 'appliance.ts', 'serve.ts']) {
  if (!existsSync(join(here, f))) continue;
  const r = spawnSync(process.execPath, [join(here, f), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  console.log();
}
process.exit(failed ? 1 : 0);

// No ambient authority: a namespace names only the host trees its invocation
// granted, with the access granted. Every `#U` and rebind trick a script might try.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { goblin } from './lib/run.ts';

const top = mkdtempSync(join(tmpdir(), 'goblin-authority-'));
after(() => rmSync(top, { recursive: true, force: true }));
const box = join(top, 'box'), outside = join(top, 'outside');
mkdirSync(join(box, 'sub'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(box, 'sub', 'f'), 'granted\n');
writeFileSync(join(outside, 'secret'), 'SECRET\n');
symlinkSync(outside, join(box, 'out'));
symlinkSync('../outside', join(box, 'rel_out'));

const sh = (script: string, ...flags: string[]) => goblin(['sh', ...flags, '-c', script]);

test('binding_an_ungranted_host_tree_is_refused', async () => {
  for (const spec of ['#U/etc', `#U${outside}`, `#U:ro${outside}`, `#U${box}/../outside`, `#U${box}/sub/../../outside`, '#U/']) {
    const r = await sh(`bind '${spec}' /n && cat /n/secret /n/hostname`, '--dir', `${box}::/box`);
    assert.match(r.stderr, /not a host tree this namespace was granted/, spec);
    assert.ok(!r.stdout.includes('SECRET') && r.stdout === '', `${spec}: ${r.stdout}`);
    assert.notEqual(r.code, 0);
  }
});

test('a script with no grants reaches no host tree', async () => {
  const r = await sh("bind '#U/etc' /tmp; cat /tmp/hostname");
  assert.match(r.stderr, /^bind: #U\/etc: not a host tree this namespace was granted\n/);
  assert.equal(r.stdout, '');
});

test('a granted tree and what lies inside it may be bound again, with no more access', async () => {
  const ok = await sh(`bind '#U${box}/sub' /n && cat /n/f`, '--dir', `${box}::/box`);
  assert.equal(ok.stdout, 'granted\n', ok.stderr);
  const ro = await sh(`bind '#U${box}' /n; bind '#U${box}/sub' /n; bind '#U:ro${box}/sub' /n && cat /n/f && echo more > /n/f`, '--dir', `${box}::/box:ro`);
  assert.match(ro.stderr, new RegExp(`^bind: #U${box}: granted read-only \\('#U:ro${box}'\\)\\nbind: #U${box}/sub: granted read-only`));
  assert.equal(ro.stdout, 'granted\n');
  assert.equal(readFileSync(join(box, 'sub', 'f'), 'utf8'), 'granted\n');
});

test('a symlink inside a grant does not make what it leads to granted', async () => {
  for (const name of ['out', 'rel_out']) {
    const r = await sh(`bind '#U:ro${box}/${name}' /n && cat /n/secret`, '--dir', `${box}::/box`);
    assert.match(r.stderr, /leads outside the host tree it was granted in/, name);
    assert.equal(r.stdout, '');
  }
});

test('rfork m forbids every new attach, and keeps binds of what is there', async () => {
  const r = await sh(`rfork m; bind '#t' /n; bind '#U${box}' /n; mount 'tcp!127.0.0.1!1' /n; rfork n; bind '#e' /n; bind /box/sub /n && cat /n/f`, '--dir', `${box}::/box`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 4, r.stderr);
  for (const l of lines) assert.match(l, /this namespace may attach nothing new \(rfork m\)$/);
  assert.equal(r.stdout, 'granted\n');
});

test('the grants are the --dir and --ns lines of the invocation', async () => {
  const ns = join(top, 'ns');
  writeFileSync(ns, `bind '#U:ro${box}/sub' /s\n`);
  const r = await sh('cat /s/f', '--ns', ns);
  assert.equal(r.stdout, 'granted\n', r.stderr);
  assert.ok(!existsSync(join(box, 'sub', 'g')));
});

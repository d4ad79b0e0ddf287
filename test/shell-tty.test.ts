// The interactive shell on a real terminal: `goblin` alone, driven through tmux.
// Every step waits for what the screen must show (no sleeps); a step that never
// comes fails after a generous deadline.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { goblinBin } from './lib/run.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const server = `goblin-test-${process.pid}`;
const session = 'sh';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', server, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}
const screen = (): string => tmux('capture-pane', '-p', '-t', session);
const alive = (): boolean => spawnSync('tmux', ['-L', server, 'has-session', '-t', session]).status === 0;
const keys = (...k: string[]): void => { tmux('send-keys', '-t', session, ...k); };
/** Types text literally, then presses Enter. */
const type = (text: string): void => { tmux('send-keys', '-t', session, '-l', text); keys('Enter'); };

async function until(what: string, ok: () => boolean, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`waited for ${what}; the screen shows:\n${alive() ? screen() : '(gone)'}`);
    await new Promise(r => setTimeout(r, 25));
  }
}
const lines = (): string[] => screen().split('\n').map(l => l.trimEnd());
const count = (line: string): number => lines().filter(l => l === line).length;
/** The last non-empty line: where the cursor is. */
const last = (): string => lines().filter(l => l !== '').pop() ?? '';
const atPrompt = (): boolean => last() === ';';

// the history file goes to a home of the tests' own
const home = mkdtempSync(join(tmpdir(), 'goblin-tty-'));
const historyFile = join(home, '.local', 'state', 'goblin', 'history');
after(() => {
  if (hasTmux) spawnSync('tmux', ['-L', server, 'kill-server']);
  rmSync(home, { recursive: true, force: true });
});

/** Starts `goblin` in the tmux session; `then` runs after it in the same pane (the pane stays). */
function start(then = ''): void {
  spawnSync('tmux', ['-L', server, 'kill-session', '-t', session]); // what a failed test left
  const cmd = `env -u XDG_STATE_HOME HOME='${home}' '${process.execPath}' '${goblinBin}'${then ? `; ${then}` : ''}`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', cmd);
}

test('interactive_shell_prompt_history_interrupt_and_eof', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  start();
  await until('the prompt', atPrompt);

  type('echo hello');
  await until('the output', () => count('hello') === 1 && atPrompt());

  // history: Up brings back the last line
  keys('Up');
  await until('the recalled line', () => last() === '; echo hello');
  keys('Enter');
  await until('the second output', () => count('hello') === 2 && atPrompt());

  // a line continued: the second prompt is a tab
  type('for(i in a b) {');
  type('echo item $i }');
  await until('the loop', () => count('item a') === 1 && count('item b') === 1 && atPrompt());

  // Ctrl-C kills the running pipeline, not the shell
  type('echo started; yes | cat > /dev/null');
  await until('the pipeline to start', () => count('started') === 1);
  keys('C-c');
  await until('the prompt after ^C', atPrompt);
  type('echo after $status');
  await until('the shell to go on', () => count('after interrupted') === 1 && atPrompt());

  // a program reading the terminal gets a line at a time...
  type('head -n 1');
  type('abc');
  await until('head to copy the line', () => count('abc') === 2 && atPrompt());
  // ...and Ctrl-D is its end of file
  type('wc -l');
  type('one');
  type('two');
  keys('C-d');
  await until('wc to count', () => lines().some(l => /^\s+2$/.test(l)) && atPrompt());

  // Ctrl-C while a program reads the terminal
  type('cat; echo not reached');
  await until('cat to run', () => last() === '; cat; echo not reached');
  keys('C-c');
  await until('the prompt after ^C in cat', atPrompt);
  type('echo still here');
  await until('the shell to go on', () => count('still here') === 1 && atPrompt());

  // Ctrl-C at the prompt drops the line
  tmux('send-keys', '-t', session, '-l', 'echo dropped');
  keys('C-c');
  await until('a fresh prompt', atPrompt);
  assert.equal(count('dropped'), 0);

  // Ctrl-D at the prompt leaves
  keys('C-d');
  await until('the shell to exit', () => !alive());
});

test('ctrl_z_is_ignored_at_the_prompt_and_while_a_command_runs', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  start();
  await until('the prompt', atPrompt);
  keys('C-z');
  type('echo after ctrl-z');
  await until('the shell to go on', () => count('after ctrl-z') === 1 && atPrompt());
  type('cat');
  await until('cat to run', () => last() === '; cat');
  keys('C-z');
  type('still reading');
  await until('cat to copy the line', () => count('still reading') === 2);
  keys('C-d');
  await until('the prompt after cat', atPrompt);
  type('echo done');
  await until('the shell to go on', () => count('done') === 1 && atPrompt());
  keys('C-d');
  await until('the shell to exit', () => !alive());
});

test('tab_completes_commands_and_paths_in_the_namespace', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  start();
  await until('the prompt', atPrompt);
  tmux('send-keys', '-t', session, '-l', 'ech');
  keys('Tab');
  await until('the command name', () => last() === '; echo');
  tmux('send-keys', '-t', session, '-l', ' /b');
  keys('Tab');
  await until('the directory', () => last() === '; echo /bin/');
  tmux('send-keys', '-t', session, '-l', 'sl');
  keys('Tab');
  await until('the file', () => last() === '; echo /bin/sleep');
  keys('Enter');
  await until('the line to run', () => count('/bin/sleep') === 1 && atPrompt());
  // more than one: Tab adds what they share, a second Tab lists them (each its own
  // keypress: readline takes keys that come together as a paste, tabs and all)
  tmux('send-keys', '-t', session, '-l', 'ls /bin/r');
  keys('Tab');
  await until('what they share', () => last() === '; ls /bin/rm');
  keys('Tab');
  await until('the candidates', () => lines().some(l => /^\/bin\/rm\s+\/bin\/rmdir$/.test(l)));
  keys('C-u');
  // a function is a command too; a program reading the terminal gets its tab as it is
  type('fn hello { echo hi }');
  await until('the prompt', atPrompt);
  tmux('send-keys', '-t', session, '-l', 'hel');
  keys('Tab');
  await until('the function', () => last() === '; hello');
  keys('C-u');
  type('cat');
  await until('cat to run', () => last() === '; cat');
  tmux('send-keys', '-t', session, '-l', 'a');
  keys('Tab');
  tmux('send-keys', '-t', session, '-l', 'b');
  keys('Enter');
  await until('cat to copy the tab', () => count('a       b') === 2);
  keys('C-d');
  await until('the prompt', atPrompt);
  keys('C-d');
  await until('the shell to exit', () => !alive());
});

test('history_is_kept_across_sessions_and_ctrl_d_ends_the_line', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  rmSync(historyFile, { force: true });
  start('echo AFTER; sleep 60');
  await until('the prompt', atPrompt);
  type('echo first session');
  await until('the output', () => count('first session') === 1 && atPrompt());
  // what a program reads is not history
  type('head -n 1');
  type('not history');
  await until('head', () => count('not history') === 2 && atPrompt());
  keys('C-d');
  // the prompt's line is ended, so what runs next starts a line of its own
  await until('goblin to end', () => lines().includes('AFTER'));
  assert.ok(lines().includes(';'), 'the last prompt is alone on its line');
  assert.equal(readFileSync(historyFile, 'utf8'), 'echo first session\nhead -n 1\n');
  tmux('kill-session', '-t', session);

  start();
  await until('the prompt', atPrompt);
  keys('Up');
  await until('the last line of the last session', () => last() === '; head -n 1');
  keys('Up');
  await until('the one before it', () => last() === '; echo first session');
  keys('Enter');
  await until('it to run', () => count('first session') === 1 && atPrompt());
  keys('C-d');
  await until('the shell to exit', () => !alive());
  assert.equal(readFileSync(historyFile, 'utf8'), 'echo first session\nhead -n 1\necho first session\n');
});

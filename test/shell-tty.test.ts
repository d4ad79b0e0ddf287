// The interactive shell on a real terminal: `goblin` alone, driven through tmux.
// Every step waits for what the screen must show (no sleeps); a step that never
// comes fails after a generous deadline.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
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

after(() => { if (hasTmux) spawnSync('tmux', ['-L', server, 'kill-server']); });

test('interactive_shell_prompt_history_interrupt_and_eof', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '40', process.execPath, goblinBin);
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

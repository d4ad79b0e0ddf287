// The error table (src/error.ts): every errno converts to its WASI errno, Linux errno
// (9P2000.L Rlerror) and Plan 9 text (Rerror), and back; anything else is EIO. The
// numbers are checked against lists kept apart from the table: WASI's from the witx
// errno enum (test/lib/wasi-expect.ts), Linux's from the host node runs on.
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  errnoOf, errorText, fail, fromErrorText, fromLinuxErrno, GoblinError, linuxErrno, shellStatus, wasiErrno, type Errno,
} from '../src/error.ts';
import { errnoNames } from './lib/wasi-expect.ts';

/** Every errno Goblin names: one for each WASI errno but SUCCESS. */
const all = errnoNames.slice(1).map(n => `E${n}`) as Errno[];
const anErrno = fc.constantFrom(...all);

// Where two errnos share a wire value, the one it decodes to. Linux has no ENOTCAPABLE
// and sends EACCES for it; Plan 9 says "permission denied" for both EPERM and EACCES,
// and Linux's 9P client reads it as EACCES.
const linuxAlias: Partial<Record<Errno, Errno>> = { ENOTCAPABLE: 'EACCES' };
const textAlias: Partial<Record<Errno, Errno>> = { EPERM: 'EACCES' };

test('every errno has the WASI errno the witx enum gives it', () => {
  for (const [i, n] of errnoNames.entries()) {
    if (i === 0) continue;
    const e = fail(`E${n}` as Errno);
    assert.equal(wasiErrno(e), i, e.errno);
    assert.equal(errnoOf(e), i);
  }
});

test('every errno has its Linux number', { skip: process.platform === 'linux' ? false : 'the host errno numbers are not Linux ones' }, () => {
  // libuv leaves these two out of os.constants; asm-generic/errno.h gives them
  const linux: Record<string, number | undefined> = { ...constants.errno, EOWNERDEAD: 130, ENOTRECOVERABLE: 131 };
  for (const name of all) {
    const want = linux[linuxAlias[name] ?? name];
    assert.equal(typeof want, 'number', `${name} is not a Linux errno`);
    assert.equal(linuxErrno(fail(name)), want, name);
  }
});

test('a Linux errno (Rlerror) decodes to the errno that sent it, or to the one it shares its number with', () => {
  fc.assert(fc.property(anErrno, name => {
    const n = linuxErrno(fail(name));
    const back = fromLinuxErrno(n);
    assert.equal(back.errno, linuxAlias[name] ?? name);
    assert.equal(linuxErrno(back), n, 'the number re-encodes unchanged');
    assert.equal(back.message, errorText(fail(back.errno)));
  }));
});

test('a Plan 9 error text (Rerror) decodes to the errno that sent it, or to the one it shares its text with', () => {
  fc.assert(fc.property(anErrno, name => {
    const text = errorText(fail(name));
    const back = fromErrorText(text);
    assert.equal(back.errno, textAlias[name] ?? name, JSON.stringify(text));
    assert.equal(errorText(back), text, 'the text re-encodes unchanged');
  }));
});

test('an errno that others decode to round trips itself on both edges', () => {
  for (const target of new Set([...Object.values(linuxAlias), ...Object.values(textAlias)])) {
    assert.equal(fromLinuxErrno(linuxErrno(fail(target))).errno, target);
    assert.equal(fromErrorText(errorText(fail(target))).errno, target);
  }
});

test('an error carries its own words to the Rerror text and the shell status', () => {
  fc.assert(fc.property(anErrno, fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (name, words) => {
    const e = fail(name, words);
    assert.ok(e instanceof GoblinError && e instanceof Error);
    assert.equal(e.errno, name);
    assert.equal(errorText(e), words ?? errorText(fail(name)));
    assert.equal(shellStatus(e), errorText(e));
  }));
});

test('anything that is not a GoblinError is EIO at every edge', () => {
  const notOurs = fc.oneof(fc.anything(), fc.string().map(s => new Error(s)), fc.string().map(s => new TypeError(s)),
    anErrno.map(errno => ({ errno, message: 'looks like one' })), anErrno.map(errno => Object.assign(new Error('close'), { errno })));
  fc.assert(fc.property(notOurs, x => {
    assert.equal(wasiErrno(x), 29);
    assert.equal(linuxErrno(x), 5);
    assert.equal(errorText(x), 'i/o error');
    assert.equal(shellStatus(x), 'i/o error');
  }));
});

test('an unknown Linux errno or Plan 9 text decodes to EIO and keeps what was said', () => {
  const known = new Set(all.map(n => linuxErrno(fail(n))));
  fc.assert(fc.property(fc.integer().filter(n => !known.has(n)), n => {
    const e = fromLinuxErrno(n);
    assert.equal(e.errno, 'EIO');
    assert.equal(e.message, `errno ${n}`);
  }));
  const texts = new Set(all.map(n => errorText(fail(n))));
  fc.assert(fc.property(fc.string().filter(s => !texts.has(s)), s => {
    const e = fromErrorText(s);
    assert.equal(e.errno, 'EIO');
    assert.equal(e.message, s);
  }));
});

// A transport to a Server in this same process: the client and the server each
// see an ordered stream, with every delivery a microtask later (as over a
// socket, so neither side is re-entered while it is still handling a message).
// For tests, and for a page that mounts its own exports.
//
// When the session asks to pause (it holds its maxBuffered bytes), the client's
// messages wait here, in the order sent, as they would in a socket's buffers.

import type { Transport } from '../fs/remote/client.ts';
import type { Server, Session } from './server.ts';

export interface Loop extends Transport {
  /** the server hangs up, as a dropped connection would */
  hangup(): void;
}

export function serverTransport(server: Server): Loop {
  let data: ((chunk: Uint8Array) => void) | undefined;
  let closed: ((reason?: Error) => void) | undefined;
  let gone = false;
  let paused = false;
  let session: Session | undefined;
  const early: Uint8Array[] = [];
  /** the client's messages the session is not ready for */
  const held: Uint8Array[] = [];
  session = server.connect({
    send(bytes) {
      if (gone) return;
      // sent before a hang-up: delivered, as a socket delivers what was written before it closed
      queueMicrotask(() => {
        if (data) data(bytes);
        else early.push(bytes);
      });
    },
    close: () => hangup(),
    pause(stop) {
      paused = stop;
      if (!stop) queueMicrotask(drain);
    },
  });
  function drain(): void {
    while (!paused && !gone && held.length) session!.receive(held.shift()!);
  }
  function hangup(): void {
    if (gone) return;
    gone = true;
    held.length = 0;
    session?.close();
    queueMicrotask(() => queueMicrotask(() => closed?.()));
  }
  return {
    send(bytes) {
      if (gone) return;
      queueMicrotask(() => {
        if (gone) return;
        if (paused || held.length) held.push(bytes);
        else session!.receive(bytes);
      });
    },
    receive(d, c) {
      data = d;
      closed = c;
      for (const b of early.splice(0)) d(b);
      if (gone) queueMicrotask(() => c());
    },
    close: hangup,
    hangup,
  };
}

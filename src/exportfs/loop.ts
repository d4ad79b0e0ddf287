// A transport to a Server in this same process: the client and the server each
// see an ordered stream, with every delivery a microtask later (as over a
// socket, so neither side is re-entered while it is still handling a message).
// For tests, and for a page that mounts its own exports.

import type { Transport } from '../fs/remote/client.ts';
import type { Server } from './server.ts';

export interface Loop extends Transport {
  /** the server hangs up, as a dropped connection would */
  hangup(): void;
}

export function serverTransport(server: Server): Loop {
  let data: ((chunk: Uint8Array) => void) | undefined;
  let closed: ((reason?: Error) => void) | undefined;
  let gone = false;
  const early: Uint8Array[] = [];
  const session = server.connect({
    send(bytes) {
      if (gone) return;
      queueMicrotask(() => {
        if (gone) return;
        if (data) data(bytes);
        else early.push(bytes);
      });
    },
    close: () => hangup(),
  });
  function hangup(): void {
    if (gone) return;
    gone = true;
    session.close();
    queueMicrotask(() => closed?.());
  }
  return {
    send(bytes) {
      if (gone) return;
      queueMicrotask(() => { if (!gone) session.receive(bytes); });
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

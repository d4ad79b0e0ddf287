// What unwinds the interpreter: exit, an interrupt, an rc error.

/** `exit`: ends the shell, or the fork it runs in. */
export class Exit {
  readonly status: string;
  constructor(status: string) { this.status = status; }
}

/** An interrupt reached a foreground command: unwind to the prompt. */
export class Interrupted {}

/** An error that stops the script (rc's Xerror): printed as `rc: message`. */
export class RcError extends Error {}

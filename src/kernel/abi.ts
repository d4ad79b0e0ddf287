// A system-call interface: the functions one VM's program imports, and the
// descriptors behind them. The kernel knows only this shape; wasi/ implements it
// for WASI preview 1, so the kernel never depends on the layer above it.
import type { Handle } from '../fs/types.ts';
import type { Namespace } from '../ns/namespace.ts';
import type { Guest } from '../wasm/guest.ts';
import type { VmClock } from './clock.ts';

/** What a VM offers the system calls its program makes. */
export interface VmServices {
  readonly args: readonly string[];
  readonly env: ReadonlyMap<string, string>;
  /** built at first use */
  readonly ns: Namespace;
  readonly clock: VmClock;
  /** Waits for p, unless the VM is killed first (then it throws and unwinds). */
  block<T>(p: Promise<T>): Promise<T>;
  /** proc_exit: ends the VM by unwinding to the embedder */
  exitNow(code: number): never;
  /** lets the other VMs on this thread run */
  yieldNow(): Promise<void>;
  /** per-VM device numbers, so st_dev stays small and deterministic */
  devOf(dev: number): number;
}

/** One VM's system calls. */
export interface AbiBinding {
  /**
   * The import `name` of the interface's module, or undefined if it has none.
   * `serversWait` says whether a file server of the namespace may answer later:
   * when none may, calls that only reach servers can go in as plain imports and
   * skip the cost of a suspendable call.
   */
  importOf(name: string, serversWait: boolean): unknown;
  /** what descriptor fd holds now, for the VM's console and a child's inherited stdio */
  handle(fd: number): Handle | null;
  /** closes every descriptor, once the VM has ended */
  close(): void;
}

export interface Abi {
  /** the import module its functions come from */
  readonly module: string;
  /** the calls of one VM, its standard input, output and error given */
  bind(vm: VmServices, guest: Guest, stdio: readonly (Handle | null)[]): AbiBinding;
}

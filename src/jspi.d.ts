// JSPI (WebAssembly JavaScript Promise Integration), on by default in Node 26 and Chrome 137+.
declare namespace WebAssembly {
  class Suspending {
    constructor(fn: (...args: any[]) => unknown);
  }
  function promising<F extends (...args: any[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<unknown>;
}

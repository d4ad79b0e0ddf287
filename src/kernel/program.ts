// A Program is a compiled, metered module: expensive to make, cheap to start many
// times. The kernel caches Programs by their bytes and options.
import { fail, GoblinError } from '../error.ts';
import { rewriteMemory, type MemoryShape } from '../wasm/memory.ts';
import { meter } from '../fuel/meter.ts';
import { hex, sha256, type Codecs } from '../appliance/format.ts';

/** Compiled programs kept by content (a cache directory): what metering and rewriting made. */
export interface ProgramStore {
  get(key: string): Promise<StoredProgram | null>;
  put(key: string, p: StoredProgram): void;
}

export interface StoredProgram { code: Uint8Array; memory: MemoryShape | null }

export interface ProgramOptions {
  /** inject fuel metering (needed for --fuel, --timeout and fair scheduling) */
  metered?: boolean;
  /** the most linear memory the module may grow to, in bytes */
  maxMemory?: number;
  /** where metered code is kept between processes */
  store?: ProgramStore;
  /** the SHA-256 of the bytes, hex, when the caller knows it (an appliance's index does) */
  digest?: string;
  /** how to hash when it does not */
  codecs?: Codecs;
}

export class Program {
  readonly module: WebAssembly.Module;
  readonly metered: boolean;
  readonly maxMemory: number | undefined;
  readonly imports: WebAssembly.ModuleImportDescriptor[];
  /** the bytes as given, before metering, for recompiling with other options */
  readonly bytes: Uint8Array;
  /** the shape of the memory the kernel supplies (from its pool), when it supplies one */
  readonly memory: MemoryShape | null;

  constructor(bytes: Uint8Array, module: WebAssembly.Module, metered: boolean, maxMemory: number | undefined, memory: MemoryShape | null) {
    this.bytes = bytes;
    this.memory = memory;
    this.module = module;
    this.metered = metered;
    this.maxMemory = maxMemory;
    this.imports = WebAssembly.Module.imports(module);
  }

  static async compile(bytes: Uint8Array, opts: ProgramOptions = {}): Promise<Program> {
    const metered = opts.metered ?? true;
    let code = bytes;
    try {
      // a program this store has seen is taken as metered and rewritten then: no validation or metering again
      const key = opts.store && `${opts.digest ?? hex(await sha256(bytes, opts.codecs))}-${opts.maxMemory ?? 'any'}-${metered ? 'metered' : 'plain'}`;
      const stored = key ? await opts.store!.get(key) : null;
      if (stored) {
        try { return new Program(bytes, await WebAssembly.compile(stored.code as BufferSource), metered, opts.maxMemory, stored.memory); } catch { /* made again below */ }
      }
      if (!WebAssembly.validate(bytes as BufferSource)) throw fail('ENOEXEC', describeInvalid(bytes));
      const mem = rewriteMemory(code, { maxBytes: opts.maxMemory, importIt: true });
      code = mem.code;
      if (metered) code = meter(code);
      const program = new Program(bytes, await WebAssembly.compile(code as BufferSource), metered, opts.maxMemory, mem.imported);
      if (key) opts.store!.put(key, { code, memory: mem.imported });
      return program;
    } catch (e) {
      if (e instanceof GoblinError) throw e;
      throw fail('ENOEXEC', `invalid module: ${(e as Error).message}`);
    }
  }
}

function describeInvalid(bytes: Uint8Array): string {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return 'not a WebAssembly module';
  try { new WebAssembly.Module(bytes as BufferSource); } catch (e) { return `invalid module: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}`; }
  return 'invalid module';
}


// goblin serve's defaults, apart so the command line can show them without loading the server.
export const SERVE_DEFAULTS = {
  listen: '127.0.0.1:8080', maxConcurrent: 256, queue: 1024,
  streamAfter: 64 * 1024, maxBody: 64 * 1024 * 1024, keepAlive: 5000, drainTimeout: 30_000,
} as const;

// What `goblin serve` tells each of its kernel threads, and what they answer.
import type { ClientAuthFlags } from '../options.ts';
import type { ServerInfo } from './cgi.ts';
import type { VmFlags } from './handlers.ts';
import type { Route } from './routes.ts';

export interface WorkerConfig {
  host: string;
  /** 0 for the first thread (any free port); the port it got for the others */
  port: number;
  routes: Route[];
  vm: VmFlags;
  auth: ClientAuthFlags;
  server: ServerInfo;
  streamAfter: number;
  maxBody: number;
  maxConcurrent: number;
  queue: number;
  /** the Gate's counters, shared by every thread */
  gate: SharedArrayBuffer;
  keepAlive: number;
  accessLog: boolean;
}

export type ToWorker = { kind: 'drain' };
export type FromWorker =
  | { kind: 'listening'; port: number }
  | { kind: 'drained' }
  | { kind: 'error'; message: string };

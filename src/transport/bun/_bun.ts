/**
 * The small part of Bun's socket API this adapter uses, typed here because
 * the project type-checks under Deno, where Bun's own types are absent.
 *
 * @module
 */

/** A connected Bun TCP/TLS socket (subset). */
export interface BunSocket<T = unknown> {
  /** Bytes accepted by the kernel; fewer than asked means "wait for drain". */
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay?(noDelay: boolean): boolean;
  readonly remoteAddress: string;
  readonly remotePort?: number;
  data: T;
}

/** Callbacks of `Bun.listen` (subset). */
export interface BunSocketHandler<T> {
  open(socket: BunSocket<T>): void;
  data(socket: BunSocket<T>, data: Uint8Array): void;
  drain(socket: BunSocket<T>): void;
  close(socket: BunSocket<T>, error?: Error): void;
  error(socket: BunSocket<T>, error: Error): void;
  end?(socket: BunSocket<T>): void;
}

/** What `Bun.listen` returns (subset). */
export interface BunTcpListener {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
}

/** What `Bun.serve` returns (subset). */
export interface BunHttpServer {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void>;
}

/** A server-side WebSocket of `Bun.serve` (subset). */
export interface BunServerWebSocket<T> {
  /** Bytes sent, -1 when queued under backpressure, 0 when dropped. */
  send(data: Uint8Array): number;
  close(code?: number): void;
  pause(): void;
  resume(): void;
  data: T;
}

/** What `Bun.serve`'s fetch handler may use (subset). */
export interface BunServeContext<T> {
  upgrade(
    request: Request,
    options: { data: T; headers?: Record<string, string> },
  ): boolean;
  requestIP(request: Request): { address: string; port: number } | null;
}

/** The `Bun` global (subset). */
export interface BunApi {
  serve<T = undefined>(options: {
    hostname: string;
    port: number;
    tls?: { cert: string; key: string; ca?: string };
    fetch(
      request: Request,
      server: BunServeContext<T>,
    ): Response | undefined | Promise<Response | undefined>;
    websocket?: {
      open(ws: BunServerWebSocket<T>): void;
      message(ws: BunServerWebSocket<T>, data: Uint8Array | string): void;
      drain(ws: BunServerWebSocket<T>): void;
      close(ws: BunServerWebSocket<T>, code: number, reason: string): void;
    };
  }): BunHttpServer;
  listen<T>(options: {
    hostname: string;
    port: number;
    tls?: { cert: string; key: string; ca?: string };
    socket: BunSocketHandler<T>;
  }): BunTcpListener;
}

/** The `Bun` global, or a TypeError outside Bun. */
export function getBun(): BunApi {
  const bun = (globalThis as { Bun?: BunApi }).Bun;
  if (!bun) throw new TypeError("Cannot use the Bun adapter outside Bun");
  return bun;
}

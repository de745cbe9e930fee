/**
 * The runtime boundary: what every listener gives the connection pipeline.
 * Implemented once per runtime in `transport/<runtime>/`; nothing outside
 * those folders and `cli/` touches `Deno.*` or `Bun.*`.
 *
 * @module
 */

/** The peer's address as the socket reports it. */
export interface RemoteAddress {
  address: string;
  port: number;
}

/** One accepted byte-stream connection (TCP, TLS or WebSocket). */
export interface Conn {
  /** Bytes from the peer, one chunk per network read. */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * Bytes to the peer. A written chunk must not be changed until its write
   * promise settles (the encoder double-buffers for this reason).
   */
  readonly writable: WritableStream<Uint8Array>;
  readonly remote: RemoteAddress;
  /** `tcp`, `tls`, `ws` or `wss`; `memory` for in-process test pairs. */
  readonly kind: "tcp" | "tls" | "ws" | "wss" | "memory";
  /** Close both directions now; safe to call more than once. */
  close(): void;
}

/** A bound listener; iterate it to accept connections. */
export interface Listener extends AsyncIterable<Conn> {
  /** The bound address (useful with port 0). */
  readonly addr: { hostname: string; port: number };
  /** Stop accepting; open connections are not touched. */
  close(): void;
}

/** Options every TCP/TLS listener understands. */
export interface ListenOptions {
  hostname: string;
  port: number;
  /** PEM strings; present for TLS listeners. */
  tls?: { cert: string; key: string; ca?: string };
  /**
   * Accept MQTT over WebSocket on this HTTP path (subprotocol `mqtt`)
   * instead of raw TCP (added for ws/wss listeners).
   */
  websocket?: { path: string };
}

/** Options of `Runtime.serveHttp`. */
export interface HttpServeOptions {
  hostname: string;
  port: number;
  handler: (request: Request) => Response | Promise<Response>;
}

/** A running HTTP server (metrics endpoint). */
export interface HttpServer {
  readonly addr: { hostname: string; port: number };
  close(): Promise<void>;
}

/** What a runtime adapter provides. */
export interface Runtime {
  readonly name: "deno" | "bun" | "node";
  listen(options: ListenOptions): Promise<Listener>;
  /** Serve plain HTTP with a web-standard handler (added for metrics). */
  serveHttp?(options: HttpServeOptions): Promise<HttpServer>;
}

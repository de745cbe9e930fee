/**
 * Plain HTTP on Bun (`Bun.serve`), for the metrics endpoint.
 *
 * @module
 */

import type { HttpServeOptions, HttpServer } from "../types.ts";
import { getBun } from "./_bun.ts";

/** Serve `options.handler`; resolves once bound. */
export function serveHttpBun(options: HttpServeOptions): Promise<HttpServer> {
  const server = getBun().serve({
    hostname: options.hostname,
    port: options.port,
    fetch: options.handler,
  });
  return Promise.resolve({
    addr: { hostname: server.hostname, port: server.port },
    close: () => server.stop(),
  });
}

/**
 * Plain HTTP on Deno (`Deno.serve`), for the metrics endpoint.
 *
 * @module
 */

import type { HttpServeOptions, HttpServer } from "../types.ts";

/** Serve `options.handler`; resolves once bound. */
export function serveHttpDeno(options: HttpServeOptions): Promise<HttpServer> {
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      onListen(addr) {
        resolve({
          addr: { hostname: addr.hostname, port: addr.port },
          close: () => server.shutdown(),
        });
      },
    }, options.handler);
  });
}

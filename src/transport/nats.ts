/**
 * Opens the one NATS connection a jetmq process shares, with nats.js's Node
 * transport (which runs on Deno and Bun alike). Backends receive the open
 * connection and never dial themselves.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import {
  connect,
  credsAuthenticator,
  type NatsConnection,
} from "@nats-io/transport-node";

/** Options of `openNats`. */
export interface OpenNatsOptions {
  /** One or more `nats://host:port` URLs. */
  servers: string[];
  token?: string;
  user?: string;
  pass?: string;
  /** Path of a `.creds` file (JWT + NKey seed). */
  credsFile?: string;
  /** Connection name shown by the NATS server (default `jetmq`). */
  name?: string;
}

/** Connect to NATS; reconnects forever once connected. */
export async function openNats(
  options: OpenNatsOptions,
): Promise<NatsConnection> {
  const authenticator = options.credsFile
    ? credsAuthenticator(await readFile(options.credsFile))
    : undefined;
  return await connect({
    servers: options.servers,
    token: options.token,
    user: options.user,
    pass: options.pass,
    authenticator,
    name: options.name ?? "jetmq",
    maxReconnectAttempts: -1,
  });
}

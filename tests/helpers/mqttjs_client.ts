/**
 * MQTT.js and mosquitto client helpers for end-to-end tests: connect with
 * test defaults, await received messages with a deadline, run
 * `mosquitto_pub`/`mosquitto_sub`.
 *
 * @module
 */

import { execFile, spawn } from "node:child_process";
import mqtt, {
  type IClientOptions,
  type IConnackPacket,
  type MqttClient,
} from "mqtt";
import { withDeadline } from "./raw_client.ts";

/** A message as MQTT.js delivered it. */
export interface Received {
  topic: string;
  text: string;
  qos: number;
  retain: boolean;
  dup: boolean;
  packetId?: number;
  /** v5 properties as MQTT.js decoded them. */
  properties?: Record<string, unknown>;
}

/** An MQTT.js client plus an inbox; `await using` ends it (forcibly). */
export interface JsClient extends AsyncDisposable {
  readonly mqtt: MqttClient;
  /** Session present flag of the CONNACK. */
  readonly sessionPresent: boolean;
  readonly received: Received[];
  /** The next `n` messages not yet taken. */
  next(n?: number): Promise<Received[]>;
}

/** Connect MQTT.js (v3.1.1 by default, no reconnect) and collect messages. */
export async function connectJs(
  url: string,
  options: IClientOptions & { clientId: string },
): Promise<JsClient> {
  const client = mqtt.connect(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 4000,
    ...options,
  });
  const received: Received[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  // Listen before CONNACK: queued messages may come in the same chunk.
  client.on("message", (topic, payload, packet) => {
    received.push({
      topic,
      text: new TextDecoder().decode(payload),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      packetId: packet.messageId,
      properties: packet.properties as Record<string, unknown> | undefined,
    });
    wake?.();
  });
  let connack: IConnackPacket;
  try {
    connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once("connect", resolve);
      client.once("error", reject);
      client.once("close", () => reject(new Error("Closed before CONNACK")));
    });
  } catch (err) {
    client.end(true);
    throw err;
  }
  const waitMore = async (n: number): Promise<void> => {
    while (received.length < taken + n) {
      await new Promise<void>((resolve) => wake = resolve);
    }
  };
  return {
    mqtt: client,
    sessionPresent: connack.sessionPresent,
    received,
    async next(n = 1) {
      await withDeadline(
        waitMore(n),
        `${n} messages on ${options.clientId} (have ${
          received.length - taken
        })`,
      );
      const out = received.slice(taken, taken + n);
      taken += n;
      return out;
    },
    async [Symbol.asyncDispose]() {
      if (client.connected) await client.endAsync();
      else await client.endAsync(true);
    },
  };
}

/** Run a command to completion; resolves with its exit code and output. */
export function run(
  cmd: string,
  args: string[],
  timeoutMs = 8000,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** `mosquitto_pub` against 127.0.0.1:`port` with extra arguments. */
export function mosquittoPub(
  port: number,
  args: string[],
): Promise<{ code: number; out: string }> {
  return run("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), ...args]);
}

/** `mosquitto_sub` against 127.0.0.1:`port` (give `-C n -W secs`). */
export function mosquittoSub(
  port: number,
  args: string[],
): Promise<{ code: number; out: string }> {
  return run("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(port), ...args]);
}

/** A running `mosquitto_sub -d`; `await using` kills it if still running. */
export interface MosquittoSub extends AsyncDisposable {
  /** Resolves once its SUBACK arrived. */
  readonly subscribed: Promise<void>;
  /** Resolves when it exits (give it `-C n` and `-W secs`). */
  readonly done: Promise<{ code: number; out: string }>;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
}

/** Start `mosquitto_sub -d` (debug output tells when it is subscribed). */
export function startMosquittoSub(
  port: number,
  args: string[],
): MosquittoSub {
  // stdbuf: line-buffered stdout, or its debug lines wait in a pipe buffer.
  const child = spawn("stdbuf", [
    ...["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String(port), "-d"],
    ...args,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let onSuback: (() => void) | undefined;
  const subscribed = new Promise<void>((resolve) => onSuback = resolve);
  const collect = (d: Uint8Array) => {
    out += new TextDecoder().decode(d);
    if (out.includes("received SUBACK")) onSuback?.();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const done = new Promise<{ code: number; out: string }>((resolve) => {
    child.once("exit", (code) => resolve({ code: code ?? 1, out }));
  });
  return {
    subscribed: withDeadline(subscribed, "mosquitto_sub SUBACK"),
    done,
    output: () => out,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
      }
      await done;
    },
  };
}

/**
 * Small MQTT 5 helpers for end-to-end tests over the raw client: connect in
 * v5, expect a server DISCONNECT, read a metric from the Prometheus
 * endpoint, poll an outside process with a deadline.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type ConnackPacket,
  type DisconnectPacket,
  type Packet,
  PacketType,
} from "../../src/codec/mod.ts";
import {
  connectRaw,
  type RawClient,
  type RawConnect,
  subscribeRaw,
  withDeadline,
} from "./raw_client.ts";
import type { JetmqProcess } from "./server.ts";

/** CONNECT in v5 (clean start, no keep-alive unless given). */
export function connectV5(
  port: number,
  connect: RawConnect,
): Promise<{ client: RawClient; connack: ConnackPacket }> {
  return connectRaw(port, { protocolVersion: 5, ...connect });
}

/**
 * Leaves an offline persistent v5 session `clientId` (expiry
 * `sessionExpiryInterval` s) subscribed to `topic` at QoS 1: connect,
 * subscribe, DISCONNECT.
 */
export async function parkSession(
  port: number,
  clientId: string,
  topic: string,
  sessionExpiryInterval = 60,
): Promise<void> {
  const { client } = await connectV5(port, {
    clientId,
    clean: false,
    properties: { sessionExpiryInterval },
  });
  await using _ = client;
  await subscribeRaw(client, [{ filter: topic, qos: 1 }]);
  await client.disconnect();
}

/** `p` is a CONNACK with `reasonCode`; returns it. */
export function expectConnack(p: Packet, reasonCode: number): ConnackPacket {
  assert.equal(p.type, PacketType.CONNACK, `expected CONNACK, got ${p.type}`);
  const c = p as ConnackPacket;
  assert.equal(c.reasonCode, reasonCode);
  return c;
}

/**
 * The next packet is a DISCONNECT from the server with `reasonCode`, and the
 * network connection is closed after it [MQTT-3.14.4-1]. Returns it.
 */
export async function expectServerDisconnect(
  client: RawClient,
  reasonCode: number,
  timeoutMs = 4000,
): Promise<DisconnectPacket> {
  const p = await client.next(timeoutMs);
  assert.equal(p.type, PacketType.DISCONNECT, `expected DISCONNECT: ${p.type}`);
  const d = p as DisconnectPacket;
  assert.equal(
    d.reasonCode,
    reasonCode,
    `DISCONNECT 0x${d.reasonCode?.toString(16)} (${
      d.properties?.reasonString ?? ""
    }), expected 0x${reasonCode.toString(16)}`,
  );
  await withDeadline(client.closed, "close after DISCONNECT");
  return d;
}

/** A unique name per call, for topics and client ids. */
export function uniq(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${
    Math.random().toString(36).slice(2, 8)
  }`;
}

/** Port of the metrics listener main.ts logged (start with `metrics`). */
export function metricsPort(server: JetmqProcess): number {
  const l = server.listeners.find((x) => x.kind === "metrics");
  if (!l) throw new Error("No metrics listener (config metrics: {port: 0})");
  return l.port;
}

/** A counter or gauge from main.ts's Prometheus endpoint (0 if absent). */
export async function readMetric(
  server: JetmqProcess,
  name: string,
): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${metricsPort(server)}/metrics`);
  const text = await res.text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/**
 * Polls `check` (an outside process's state) until it returns true; rejects
 * after `timeoutMs`. Waits `intervalMs` between tries.
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 4000,
  intervalMs = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Resolves once `ms` of wall-clock time passed since `since` (ms epoch).
 * Only for expiry intervals against main.ts, where the passing of time is
 * the event under test and the subprocess has no injectable clock; exact
 * timing is checked in-process on a fake clock.
 */
export async function wallClockPassed(
  since: number,
  ms: number,
): Promise<void> {
  const left = since + ms - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}

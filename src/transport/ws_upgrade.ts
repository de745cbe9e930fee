/**
 * The checks every WebSocket adapter makes before upgrading an HTTP request
 * to MQTT over WebSocket. Web globals only.
 *
 * @module
 */

/** The subprotocol MQTT clients offer [MQTT-6.0.0-3]. */
export const MQTT_SUBPROTOCOL = "mqtt";

/**
 * A `Response` refusing `request`, or `undefined` when it may be upgraded:
 * right path, a WebSocket upgrade, and `mqtt` among the offered
 * subprotocols [MQTT-6.0.0-4].
 */
export function refuseUpgrade(
  request: Request,
  path: string,
): Response | undefined {
  if (new URL(request.url).pathname !== path) {
    return new Response("Not Found\n", { status: 404 });
  }
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("Upgrade Required\n", {
      status: 426,
      headers: { upgrade: "websocket" },
    });
  }
  const offered = (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",").map((p) => p.trim());
  if (!offered.includes(MQTT_SUBPROTOCOL)) {
    return new Response("Subprotocol mqtt required\n", { status: 400 });
  }
  return undefined;
}

/**
 * The JetStream backend: the Backend contract on one shared NATS connection
 * (received open, never dialled here), with nats-server's MQTT layout —
 * streams `$MQTT_msgs`, `$MQTT_rmsgs`, `$MQTT_sess`, `$MQTT_qos2in`,
 * `$MQTT_out`, `Nmqtt-*` headers, the client-id hash — so NATS applications
 * and jetmq instances share traffic and sessions. Runs on nats-server
 * 2.9.10 and later. See docs/adr/0006-jetstream-mapping.md. Imports
 * `backend/types.ts`, `backend/fanout.ts`, `topic`, observability types and
 * nats.js.
 *
 * @module
 */

export {
  createJetStreamBackend,
  type JetStreamBackendOptions,
} from "./jetstream_backend.ts";

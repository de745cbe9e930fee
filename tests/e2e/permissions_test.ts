/**
 * End to end: per-user topic permissions (`auth.users[].permissions`,
 * `auth.anonymousPermissions`) with MQTT.js v3.1.1 and v5 against main.ts as
 * a subprocess: publish deny (v5 0x87, 3.1.1 acked and dropped), subscribe
 * deny (0x87 / 0x80), a narrower deny filter applied per delivery (live and
 * retained), `%c` / `%u` rule levels, a Will on a denied topic refused, and a
 * bad permission entry
 * as a configuration error. Enforcement is in the connection layer, so the
 * embedded backend runs everything and JetStream the publish-deny case.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IClientOptions } from "mqtt";
import { e2eBackends } from "../helpers/backends.ts";
import { connectJs, type JsClient } from "../helpers/mqttjs_client.ts";
import { currentRuntime, type JetmqProcess } from "../helpers/server.ts";
import { readMetric, uniq } from "../helpers/v5.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

const AUTH = {
  allowAnonymous: true,
  users: [
    {
      username: "sensor",
      password: "pw",
      permissions: {
        publish: { allow: ["sensors/#"], deny: ["sensors/secret"] },
        subscribe: { allow: ["cmd/#"], deny: ["cmd/admin/#"] },
      },
    },
    { username: "admin", password: "pw" },
    {
      username: "device",
      password: "pw",
      permissions: { publish: { allow: ["devices/%c/#", "users/%u/#"] } },
    },
  ],
  anonymousPermissions: {
    publish: { allow: [] },
    subscribe: { allow: ["public/#"] },
  },
};

type Version = 4 | 5;

function connect(
  server: JetmqProcess,
  user: "sensor" | "admin" | "device" | undefined,
  version: Version,
  extra: IClientOptions = {},
): Promise<JsClient> {
  return connectJs(server.url, {
    clientId: uniq(`perm-${user ?? "anon"}-v${version}`),
    protocolVersion: version,
    ...(user ? { username: user, password: "pw" } : {}),
    ...extra,
  });
}

/** SUBACK codes of one SUBSCRIBE, refused filters included. */
async function subackCodes(
  client: JsClient,
  filters: string[],
): Promise<number[]> {
  try {
    const granted = await client.mqtt.subscribeAsync(filters, { qos: 1 });
    return granted.map((g) => g.qos);
  } catch (err) {
    // MQTT.js rejects when any code is a failure; the SUBACK is attached.
    const packet = (err as { packet?: { granted?: number[] } }).packet;
    assert.ok(packet?.granted, String(err));
    return packet.granted;
  }
}

/** The publish outcome: undefined when acknowledged, else the reason code. */
async function publishCode(
  client: JsClient,
  topic: string,
  qos: 0 | 1 | 2,
  retain = false,
): Promise<number | undefined> {
  try {
    await client.mqtt.publishAsync(topic, "x", { qos, retain });
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

for (
  const backend of e2eBackends({
    config: { auth: AUTH, metrics: { host: "127.0.0.1", port: 0 } },
    args: ["--log-level", "debug"],
  })
) {
  describe(`main.ts on ${backend.name}: topic permissions`, () => {
    after(() => backend.stop());

    for (const version of [5, 4] as const) {
      test(`v${version}: a denied PUBLISH is not routed (v5 0x87; 3.1.1 acked and dropped [MQTT-3.3.5-2])`, async () => {
        const server = await backend.get();
        const before = await readMetric(server, "jetmq_publish_denied_total");
        await using watcher = await connect(server, "admin", 5);
        await watcher.mqtt.subscribeAsync("#", { qos: 1 });
        await using sensor = await connect(server, "sensor", version);
        const denied = version === 5 ? 0x87 : undefined;
        assert.equal(await publishCode(sensor, "other/x", 1), denied);
        assert.equal(await publishCode(sensor, "sensors/secret", 2), denied);
        assert.equal(await publishCode(sensor, "other/y", 0), undefined);
        assert.equal(await publishCode(sensor, "sensors/1", 1), undefined);
        const [got] = await watcher.next();
        assert.equal(got.topic, "sensors/1");
        assert.equal(watcher.received.length, 1);
        const after = await readMetric(server, "jetmq_publish_denied_total");
        assert.equal(after - before, 3);
        await server.waitForLog((r) =>
          r.msg === "PUBLISH not authorized" && r.topic === "other/y"
        );
      });
    }

    // Enforcement is in the connection layer: one backend is enough below.
    if (backend.name !== "embedded") return;

    test("v5: %c and %u levels of a rule stand for the client's id and user name", async () => {
      const server = await backend.get();
      await using device = await connect(server, "device", 5);
      const id = device.mqtt.options.clientId!;
      assert.equal(
        await publishCode(device, `devices/${id}/temp`, 1),
        undefined,
      );
      assert.equal(await publishCode(device, "users/device/x", 1), undefined);
      assert.equal(await publishCode(device, "devices/other/temp", 1), 0x87);
      assert.equal(await publishCode(device, "devices/%c/temp", 1), 0x87);
    });

    test("v3.1.1: a denied retained PUBLISH is not stored", async () => {
      const server = await backend.get();
      const topic = uniq("other");
      await using sensor = await connect(server, "sensor", 4);
      assert.equal(await publishCode(sensor, topic, 1, true), undefined);
      await using admin = await connect(server, "admin", 4);
      // A stored retained message would arrive before the sentinel.
      await admin.mqtt.subscribeAsync([topic, "sentinel/" + topic], { qos: 1 });
      await admin.mqtt.publishAsync("sentinel/" + topic, "s", { qos: 1 });
      const [got] = await admin.next();
      assert.equal(got.topic, "sentinel/" + topic);
    });

    for (const version of [5, 4] as const) {
      test(
        `v${version}: denied SUBSCRIBE filters get ${
          version === 5 ? "0x87" : "0x80"
        }, the others are granted`,
        async () => {
          const server = await backend.get();
          await using sensor = await connect(server, "sensor", version);
          const no = version === 5 ? 0x87 : 0x80;
          assert.deepEqual(
            await subackCodes(sensor, ["cmd/x", "#", "cmd/admin/+", "cmd/+"]),
            [1, no, no, 1],
          );
        },
      );
    }

    for (const version of [5, 4] as const) {
      test(`v${version}: a deny filter narrower than the subscription drops those messages, live and retained`, async () => {
        const server = await backend.get();
        const id = uniq("n");
        const metric = "jetmq_deliveries_denied_total";
        const before = await readMetric(server, metric);
        await using admin = await connect(server, "admin", 5);
        await admin.mqtt.publishAsync(`cmd/admin/${id}`, "r-no", {
          qos: 1,
          retain: true,
        });
        await admin.mqtt.publishAsync(`cmd/${id}/r`, "r-yes", {
          qos: 1,
          retain: true,
        });
        await using sensor = await connect(server, "sensor", version);
        assert.deepEqual(await subackCodes(sensor, ["cmd/#"]), [1]);
        const [retained] = await sensor.next();
        assert.equal(retained.text, "r-yes");
        assert.equal(retained.retain, true);
        await admin.mqtt.publishAsync(`cmd/admin/${id}`, "live-no", {
          qos: 2,
        });
        await admin.mqtt.publishAsync(`cmd/${id}/live`, "live-yes", {
          qos: 1,
        });
        const [live] = await sensor.next();
        assert.equal(live.text, "live-yes");
        assert.equal(sensor.received.length, 2);
        assert.equal(await readMetric(server, metric) - before, 2);
        // Clean up the retained messages for later runs on this server.
        for (const t of [`cmd/admin/${id}`, `cmd/${id}/r`]) {
          await admin.mqtt.publishAsync(t, "", { qos: 1, retain: true });
        }
      });
    }

    for (const version of [5, 4] as const) {
      test(
        `v${version}: a Will on a denied topic refuses the CONNECT (${
          version === 5 ? "0x87" : "return code 5"
        })`,
        async () => {
          const server = await backend.get();
          const will = {
            topic: "other/will",
            payload: "gone",
            qos: 0 as const,
          };
          await assert.rejects(
            connect(server, "sensor", version, { will }),
            (err: { code?: number }) => {
              assert.equal(err.code, version === 5 ? 0x87 : 5);
              return true;
            },
          );
          await using ok = await connect(server, "sensor", version, {
            will: { ...will, topic: "sensors/will" },
          });
          assert.equal(ok.mqtt.connected, true);
        },
      );
    }

    test("v5: anonymous clients get auth.anonymousPermissions", async () => {
      const server = await backend.get();
      await using anon = await connect(server, undefined, 5);
      assert.deepEqual(
        await subackCodes(anon, ["public/x", "sensors/#"]),
        [1, 0x87],
      );
      assert.equal(await publishCode(anon, "public/x", 1), 0x87);
    });
  });
}

test("check-config: a bad permission filter exits 2 naming the field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-perm-config-"));
  try {
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({
        auth: {
          users: [
            { username: "a", password: "x" },
            {
              username: "b",
              password: "y",
              permissions: { publish: { allow: ["a/#/b"] } },
            },
          ],
        },
      }),
    );
    const argv = currentRuntime === "deno"
      ? ["run", "-A", MAIN, "check-config", "--config", file]
      : [MAIN, "check-config", "--config", file];
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(currentRuntime, argv, { timeout: 30_000 }, (err, _o, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stderr });
      });
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /auth\.users\[1\]\.permissions\.publish\.allow\[0\]: not a valid topic filter/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

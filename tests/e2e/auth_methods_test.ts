/**
 * End to end: an enhanced authentication method loaded from config
 * (`auth.methods`, the example `examples/auth/hmac_challenge.ts`), the AUTH
 * exchange with a raw v5 client (§4.12), and a clear configuration error
 * for a module that cannot be loaded. main.ts as a subprocess on Deno and
 * on Bun.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AuthPacket,
  type Packet,
  PacketType,
  ReasonCode,
} from "../../src/codec/mod.ts";
import { hmacKey, proof } from "../../examples/auth/hmac_challenge.ts";
import { expectNothingMore, openRaw } from "../helpers/raw_client.ts";
import { expectConnack } from "../helpers/v5.ts";
import {
  type JetmqProcess,
  type RuntimeName,
  runtimes,
  startJetmq,
} from "../helpers/server.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const EXAMPLE = fileURLToPath(
  new URL("../../examples/auth/hmac_challenge.ts", import.meta.url),
);
const SECRET = "e2e shared secret";
const METHOD = "HMAC-SHA256";

function expectAuth(p: Packet): AuthPacket {
  assert.equal(p.type, PacketType.AUTH, `expected AUTH, got ${p.type}`);
  return p as AuthPacket;
}

/** CONNECT with the method and a client nonce; returns client and reply. */
async function start(port: number, clientId: string, method = METHOD) {
  const client = await openRaw(port, 5);
  const clientNonce = crypto.getRandomValues(new Uint8Array(16));
  client.send({
    type: PacketType.CONNECT,
    protocolName: "MQTT",
    protocolVersion: 5,
    clean: true,
    keepAlive: 0,
    clientId,
    properties: {
      authenticationMethod: method,
      authenticationData: clientNonce,
    },
  });
  return { client, clientNonce, reply: await client.next() };
}

/** Runs main.ts until it exits (a start that must fail). */
function runMain(
  runtime: RuntimeName,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  const argv = runtime === "deno"
    ? ["run", "-A", MAIN, ...args]
    : [MAIN, ...args];
  return new Promise((resolve) => {
    execFile(runtime, argv, { timeout: 30_000 }, (err, _out, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stderr });
    });
  });
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: auth.methods`, () => {
    let server: Promise<JetmqProcess> | undefined;
    const get = () =>
      server ??= startJetmq({
        runtime,
        config: {
          auth: {
            methods: [{ module: EXAMPLE, options: { secret: SECRET } }],
          },
        },
      });
    after(async () => {
      await (await server?.catch(() => undefined))?.stop();
    });

    test("the HMAC-SHA256 example: AUTH 0x18 challenge, proof, CONNACK 0 with the method and the server's proof [MQTT-4.12.0-5]", async () => {
      const { port } = await get();
      const clientId = `hmac-ok-${runtime}`;
      const { client, clientNonce, reply } = await start(port, clientId);
      await using _ = client;
      const challenge = expectAuth(reply);
      assert.equal(challenge.reasonCode, ReasonCode.ContinueAuthentication);
      assert.equal(challenge.properties?.authenticationMethod, METHOD);
      const serverNonce = challenge.properties!.authenticationData!;
      assert.equal(serverNonce.length, 32);
      const key = await hmacKey(SECRET);
      client.send({
        type: PacketType.AUTH,
        reasonCode: ReasonCode.ContinueAuthentication,
        properties: {
          authenticationMethod: METHOD,
          authenticationData: await proof(
            key,
            "client",
            clientId,
            clientNonce,
            serverNonce,
          ),
        },
      });
      const connack = expectConnack(await client.next(), ReasonCode.Success);
      assert.equal(connack.properties?.authenticationMethod, METHOD);
      assert.deepEqual(
        [...connack.properties?.authenticationData ?? []],
        [...await proof(key, "server", clientId, clientNonce, serverNonce)],
      );
      await expectNothingMore(client);
    });

    test("a proof made with another secret gets CONNACK 0x87", async () => {
      const { port } = await get();
      const clientId = `hmac-bad-${runtime}`;
      const { client, clientNonce, reply } = await start(port, clientId);
      await using _ = client;
      const serverNonce = expectAuth(reply).properties!.authenticationData!;
      client.send({
        type: PacketType.AUTH,
        reasonCode: ReasonCode.ContinueAuthentication,
        properties: {
          authenticationMethod: METHOD,
          authenticationData: await proof(
            await hmacKey("wrong secret"),
            "client",
            clientId,
            clientNonce,
            serverNonce,
          ),
        },
      });
      expectConnack(await client.next(), ReasonCode.NotAuthorized);
      await client.closed;
    });

    test("a method that is not configured gets CONNACK 0x8C [MQTT-4.12.0-1]", async () => {
      const { port } = await get();
      const { client, reply } = await start(port, `hmac-x-${runtime}`, "X");
      await using _ = client;
      expectConnack(reply, ReasonCode.BadAuthenticationMethod);
    });

    test("a module that cannot be loaded stops the start with exit 2, naming auth.methods[0].module", async () => {
      const dir = mkdtempSync(join(tmpdir(), "jetmq-auth-cfg-"));
      try {
        const file = join(dir, "config.json");
        writeFileSync(
          file,
          JSON.stringify({
            auth: { methods: [{ module: join(dir, "missing.ts") }] },
          }),
        );
        const r = await runMain(runtime, [
          ...["--config", file, "--port", "0", "--data", dir],
        ]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /auth\.methods\[0\]\.module: cannot load/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

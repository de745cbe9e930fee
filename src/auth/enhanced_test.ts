import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthenticator, type EnhancedAuthMethod } from "./enhanced.ts";
import type { Credentials } from "./types.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b?: Uint8Array) => new TextDecoder().decode(b);
const remote = { address: "127.0.0.1", port: 50000 };

/** Challenge/response: server sends "nonce", client must answer "nonce:key". */
const challenge: EnhancedAuthMethod = {
  name: "TEST-CHALLENGE",
  start(data, { state }) {
    state.user = text(data);
    state.nonce = "n-" + state.user;
    return { ok: "continue", data: bytes(String(state.nonce)) };
  },
  continue(data, { state }) {
    return text(data) === `${state.nonce}:key`
      ? { ok: true, user: String(state.user) }
      : { ok: false, reasonCode: 0x87 };
  },
};

function connect(method?: string, data?: string): Credentials {
  return {
    clientId: "c1",
    remote,
    method,
    data: data === undefined ? undefined : bytes(data),
  };
}

test("createAuthenticator() runs an enhanced exchange to success", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const creds = connect("TEST-CHALLENGE", "alice");
  const first = await auth.authenticate(creds);
  assert.equal(first.ok, "continue");
  assert.equal(first.ok === "continue" && text(first.data), "n-alice");
  creds.data = bytes("n-alice:key");
  assert.deepEqual(await auth.continue!(creds), { ok: true, user: "alice" });
  // The exchange is over: another AUTH is a protocol error.
  const again = await auth.continue!(creds);
  assert.equal(again.ok === false && again.reasonCode, 0x82);
});

test("createAuthenticator() keeps exchanges of two connections apart", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const a = connect("TEST-CHALLENGE", "a");
  const b = connect("TEST-CHALLENGE", "b");
  await auth.authenticate(a);
  await auth.authenticate(b);
  a.data = bytes("n-b:key");
  b.data = bytes("n-b:key");
  const ra = await auth.continue!(a);
  assert.equal(ra.ok === false && ra.reasonCode, 0x87);
  assert.deepEqual(await auth.continue!(b), { ok: true, user: "b" });
});

test("createAuthenticator() answers an unknown method with 0x8C [MQTT-4.12.0-1]", async () => {
  const auth = createAuthenticator({
    allowAnonymous: true,
    methods: [challenge],
  });
  const result = await auth.authenticate(connect("SCRAM-SHA-256"));
  assert.equal(result.ok === false && result.reasonCode, 0x8c);
});

test("createAuthenticator() refuses a changed method or a stray AUTH with 0x82", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const stray = await auth.continue!(connect("TEST-CHALLENGE", "x"));
  assert.equal(stray.ok === false && stray.reasonCode, 0x82);
  const creds = connect("TEST-CHALLENGE", "x");
  await auth.authenticate(creds);
  creds.method = "OTHER";
  const changed = await auth.continue!(creds);
  assert.equal(changed.ok === false && changed.reasonCode, 0x82);
});

test("createAuthenticator() turns a throwing method into a refusal", async () => {
  const broken: EnhancedAuthMethod = {
    name: "BROKEN",
    start() {
      throw new Error("boom");
    },
    continue() {
      return { ok: true };
    },
  };
  const auth = createAuthenticator({ methods: [broken] });
  const result = await auth.authenticate(connect("BROKEN"));
  assert.equal(result.ok === false && result.reasonCode, 0x80);
});

test("createAuthenticator() uses the password check without a method", async () => {
  const auth = createAuthenticator({
    users: [{ username: "u", password: "p" }],
    methods: [challenge],
  });
  assert.deepEqual(
    await auth.authenticate({
      clientId: "c",
      remote,
      username: "u",
      password: bytes("p"),
    }),
    { ok: true, user: "u" },
  );
  const anon = await auth.authenticate({ clientId: "c", remote });
  assert.equal(anon.ok === false && anon.reasonCode, 0x87);
});

test("createAuthenticator() refuses two methods with one name", () => {
  assert.throws(
    () => createAuthenticator({ methods: [challenge, challenge] }),
    TypeError,
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthenticator, type EnhancedAuthMethod } from "./enhanced.ts";
import type { Credentials } from "./types.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b?: Uint8Array) => new TextDecoder().decode(b);

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

/** A connection: its `remote` object is what ties its steps together. */
function conn(): (method?: string, data?: string) => Credentials {
  const remote = { address: "127.0.0.1", port: 50000 };
  return (method, data) => ({
    clientId: "c1",
    remote,
    method,
    data: data === undefined ? undefined : bytes(data),
  });
}
const remote = { address: "127.0.0.1", port: 1 };
const connect = conn();

test("createAuthenticator() runs an enhanced exchange to success", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const step = conn(); // a fresh Credentials object per packet, one remote
  const first = await auth.authenticate(step("TEST-CHALLENGE", "alice"));
  assert.equal(first.ok, "continue");
  assert.equal(first.ok === "continue" && text(first.data), "n-alice");
  assert.deepEqual(
    await auth.continue!(step("TEST-CHALLENGE", "n-alice:key")),
    { ok: true, user: "alice" },
  );
  // The exchange is over: another AUTH is a protocol error.
  const again = await auth.continue!(step("TEST-CHALLENGE", "n-alice:key"));
  assert.equal(again.ok === false && again.reasonCode, 0x82);
});

test("createAuthenticator() keeps exchanges of two connections apart", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const a = conn();
  const b = conn();
  await auth.authenticate(a("TEST-CHALLENGE", "a"));
  await auth.authenticate(b("TEST-CHALLENGE", "b"));
  const ra = await auth.continue!(a("TEST-CHALLENGE", "n-b:key"));
  assert.equal(ra.ok === false && ra.reasonCode, 0x87);
  assert.deepEqual(await auth.continue!(b("TEST-CHALLENGE", "n-b:key")), {
    ok: true,
    user: "b",
  });
});

test("createAuthenticator() restarts the exchange on a new authenticate()", async () => {
  const auth = createAuthenticator({ methods: [challenge] });
  const step = conn();
  await auth.authenticate(step("TEST-CHALLENGE", "old"));
  await auth.authenticate(step("TEST-CHALLENGE", "new"));
  assert.deepEqual(await auth.continue!(step("TEST-CHALLENGE", "n-new:key")), {
    ok: true,
    user: "new",
  });
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
  const stray = await auth.continue!(conn()("TEST-CHALLENGE", "x"));
  assert.equal(stray.ok === false && stray.reasonCode, 0x82);
  const step = conn();
  await auth.authenticate(step("TEST-CHALLENGE", "x"));
  const changed = await auth.continue!(step("OTHER", "n-x:key"));
  assert.equal(changed.ok === false && changed.reasonCode, 0x82);
  // …and the exchange is gone.
  const after = await auth.continue!(step("TEST-CHALLENGE", "n-x:key"));
  assert.equal(after.ok === false && after.reasonCode, 0x82);
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

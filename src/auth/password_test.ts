import { test } from "node:test";
import assert from "node:assert/strict";
import { createPasswordAuthenticator } from "./password.ts";
import type { Credentials } from "./types.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const remote = { address: "127.0.0.1", port: 50000 };
const users = [{ username: "alice", password: "s3cret" }, {
  username: "bob",
  password: "",
}];

function creds(username?: string, password?: string): Credentials {
  return {
    clientId: "c1",
    remote,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password: bytes(password) }),
  };
}

test("createPasswordAuthenticator() accepts a known user and password", async () => {
  const auth = createPasswordAuthenticator({ users });
  assert.deepEqual(await auth.authenticate(creds("alice", "s3cret")), {
    ok: true,
    user: "alice",
  });
  assert.deepEqual(await auth.authenticate(creds("bob", "")), {
    ok: true,
    user: "bob",
  });
});

test("createPasswordAuthenticator() refuses a wrong password with 0x86", async () => {
  const auth = createPasswordAuthenticator({ users, allowAnonymous: true });
  for (
    const c of [
      creds("alice", "s3cre"),
      creds("alice", "s3cret!"),
      creds("alice", "S3CRET"),
      creds("alice"),
      creds("bob"),
    ]
  ) {
    const result = await auth.authenticate(c);
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.reasonCode, 0x86);
  }
});

test("createPasswordAuthenticator() refuses an unknown user with 0x86", async () => {
  const auth = createPasswordAuthenticator({ users, allowAnonymous: true });
  const result = await auth.authenticate(creds("mallory", "s3cret"));
  assert.equal(result.ok === false && result.reasonCode, 0x86);
});

test("createPasswordAuthenticator() handles anonymous clients per allowAnonymous", async () => {
  assert.deepEqual(
    await createPasswordAuthenticator({ allowAnonymous: true }).authenticate(
      creds(),
    ),
    { ok: true },
  );
  const refused = await createPasswordAuthenticator({ users }).authenticate(
    creds(),
  );
  assert.equal(refused.ok === false && refused.reasonCode, 0x87);
  // A password without a user name is still anonymous.
  const withPassword = await createPasswordAuthenticator({}).authenticate({
    ...creds(),
    password: bytes("x"),
  });
  assert.equal(withPassword.ok === false && withPassword.reasonCode, 0x87);
});

test("createPasswordAuthenticator() compares bytes, not text", async () => {
  const auth = createPasswordAuthenticator({
    users: [{ username: "u", password: "é" }],
  });
  assert.equal(
    (await auth.authenticate({ ...creds("u"), password: bytes("é") })).ok,
    true,
  );
  const latin1 = new Uint8Array([0xe9]);
  assert.equal(
    (await auth.authenticate({ ...creds("u"), password: latin1 })).ok,
    false,
  );
});

test("createPasswordAuthenticator() accepts any user name when no users are configured and anonymous is allowed", async () => {
  const auth = createPasswordAuthenticator({ allowAnonymous: true });
  const result = await auth.authenticate(creds("someone", "x"));
  assert.equal(result.ok, true);
});

test("createPasswordAuthenticator() still refuses unknown users when users are configured", async () => {
  const auth = createPasswordAuthenticator({
    allowAnonymous: true,
    users: [{ username: "u", password: "p" }],
  });
  const result = await auth.authenticate(creds("someone", "x"));
  assert.equal(result.ok, false);
});

test("createPasswordAuthenticator() returns the user's permissions, and anonymousPermissions without a user", async () => {
  const permissions = { publish: { allow: ["a/#"] } };
  const anonymousPermissions = { subscribe: { allow: [] } };
  const auth = createPasswordAuthenticator({
    users: [{ username: "alice", password: "s3cret", permissions }, users[1]],
    allowAnonymous: true,
    anonymousPermissions,
  });
  assert.deepEqual(await auth.authenticate(creds("alice", "s3cret")), {
    ok: true,
    user: "alice",
    permissions,
  });
  assert.deepEqual(await auth.authenticate(creds("bob", "")), {
    ok: true,
    user: "bob",
  });
  assert.deepEqual(await auth.authenticate(creds()), {
    ok: true,
    permissions: anonymousPermissions,
  });
  const open = createPasswordAuthenticator({
    allowAnonymous: true,
    anonymousPermissions,
  });
  assert.deepEqual(await open.authenticate(creds("anyone", "x")), {
    ok: true,
    permissions: anonymousPermissions,
  });
});

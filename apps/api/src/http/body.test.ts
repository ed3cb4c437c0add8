import { describe, expect, test } from "bun:test";
import { byteStream, expectProblem } from "../../test/http-support.ts";
import { makeApp } from "../../test/support.ts";
import { BODY_LIMIT_BYTES, readLimitedText } from "./body.ts";

const JSON_TYPE = { "content-type": "application/json" };
const FORM_TYPE = { "content-type": "application/x-www-form-urlencoded" };

describe("400 malformed JSON", () => {
  const shapes = [
    "{",
    "{email: 'a@example.com'}",
    '{"email": "a@example.com",}',
    '{"email": "a@example.com"} trailing',
    "undefined",
    "NaN",
    "'single'",
    '{"a":"\\x41"}',
    "[1, 2",
    "\u0000",
    "",
    "   ",
  ];
  for (const raw of shapes) {
    test(`POST /users/ ${JSON.stringify(raw)} → 400`, async () => {
      const { api } = await makeApp();
      const sent = await api.send("POST", "/users/", { raw, headers: JSON_TYPE });
      expectProblem(sent, 400);
      expect(sent.body.detail).toBe("Malformed JSON body");
    });
  }

  test("also on the other JSON routes, after authentication", async () => {
    const { api } = await makeApp();
    const { token } = await api.register("json@example.com");
    const admin = await api.adminToken();
    const items = await api.send("POST", "/users/me/items", {
      raw: "{",
      headers: { ...JSON_TYPE, authorization: `Bearer ${token}` },
    });
    expectProblem(items, 400);
    const patch = await api.send("PATCH", "/admin/users/1", {
      raw: "{",
      headers: { ...JSON_TYPE, authorization: `Bearer ${admin}` },
    });
    expectProblem(patch, 400);
  });

  test("valid JSON of the wrong shape is a 422, not a 400", async () => {
    const { api } = await makeApp();
    for (const raw of ["null", "[]", '"text"', "42", "true", "{}"]) {
      const sent = await api.send("POST", "/users/", { raw, headers: JSON_TYPE });
      expectProblem(sent, 422);
    }
  });

  test("a +json media type and a charset parameter are accepted", async () => {
    const { api } = await makeApp();
    const a = await api.send("POST", "/users/", {
      raw: JSON.stringify({ email: "plus@example.com", password: "password-123" }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(a.status).toBe(201);
    const b = await api.send("POST", "/users/", {
      raw: JSON.stringify({ email: "cs@example.com", password: "password-123" }),
      headers: { "content-type": "Application/JSON; charset=UTF-8" },
    });
    expect(b.status).toBe(201);
  });
});

describe("400 invalid UTF-8", () => {
  const invalid = [
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"\xff"}
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]), // truncated sequence
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // surrogate
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // overlong "/"
  ];
  for (const [index, bytes] of invalid.entries()) {
    test(`JSON body #${index} → 400 Malformed UTF-8`, async () => {
      const { api } = await makeApp();
      const sent = await api.send("POST", "/users/", { raw: bytes, headers: JSON_TYPE });
      expectProblem(sent, 400);
      expect(sent.body.detail).toBe("Malformed UTF-8 body");
    });
  }

  test("form body → 400 as well", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/token", {
      raw: new Uint8Array([...Buffer.from("username=a%40b.c&password="), 0xff, 0xfe]),
      headers: FORM_TYPE,
    });
    expectProblem(sent, 400);
  });

  test("a UTF-8 BOM-free, multi-byte body is fine", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      raw: Buffer.from(
        JSON.stringify({ email: "utf@example.com", password: "pässwörd-🔑", name: "Zoë 🎉" }),
      ),
      headers: JSON_TYPE,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.user.name).toBe("Zoë 🎉");
    expect((await api.login("utf@example.com", "pässwörd-🔑")).status).toBe(200);
  });
});

describe("413 over 64 KiB", () => {
  const big = (size: number) =>
    JSON.stringify({ email: "big@example.com", password: "password-123", name: "x" }).padEnd(
      size,
      " ",
    );

  test("exactly the limit is read; one byte more is 413 (Content-Length)", async () => {
    const { api } = await makeApp();
    const atLimit = await api.send("POST", "/users/", {
      raw: big(BODY_LIMIT_BYTES),
      headers: JSON_TYPE,
    });
    expect(atLimit.status).toBe(201);
    const over = await api.send("POST", "/users/", {
      raw: big(BODY_LIMIT_BYTES + 1),
      headers: JSON_TYPE,
    });
    expectProblem(over, 413);
    expect(over.body.detail).toBe("Request body is larger than 65536 bytes");
  });

  for (const [route, headers] of [
    ["/users/", JSON_TYPE],
    ["/token", FORM_TYPE],
  ] as const) {
    test(`POST ${route}: a streamed body with no Content-Length → 413`, async () => {
      const { api } = await makeApp();
      const request = new Request(`http://localhost${route}`, {
        method: "POST",
        headers,
        body: byteStream(5 * BODY_LIMIT_BYTES),
      });
      expect(request.headers.get("content-length")).toBeNull();
      const sent = await api.send("POST", route, {
        raw: byteStream(5 * BODY_LIMIT_BYTES),
        headers,
      });
      expectProblem(sent, 413);
    });

    test(`POST ${route}: a lying Content-Length does not get past the limit`, async () => {
      const { api } = await makeApp();
      const sent = await api.send("POST", route, {
        raw: byteStream(BODY_LIMIT_BYTES * 2),
        headers: { ...headers, "content-length": "10" },
      });
      expectProblem(sent, 413);
    });
  }

  test("the stream is abandoned at the limit, not read to the end", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 4096;
        controller.enqueue(new Uint8Array(4096));
      },
    });
    const request = new Request("http://localhost/", { method: "POST", body: endless });
    await expect(readLimitedText(request)).rejects.toMatchObject({ status: 413 });
    expect(pulled).toBeLessThan(BODY_LIMIT_BYTES * 2);
  });

  test("protected JSON routes: 413 too (once authenticated)", async () => {
    const { api } = await makeApp();
    const { token } = await api.register("big-items@example.com");
    const sent = await api.send("POST", "/users/me/items", {
      raw: byteStream(BODY_LIMIT_BYTES + 10),
      headers: { ...JSON_TYPE, authorization: `Bearer ${token}` },
    });
    expectProblem(sent, 413);
  });
});

describe("415 wrong media type", () => {
  const cases: [string, string, string | undefined, string][] = [
    ["POST", "/users/", "text/plain", "application/json"],
    ["POST", "/users/", "application/x-www-form-urlencoded", "application/json"],
    ["POST", "/users/", "multipart/form-data; boundary=x", "application/json"],
    ["POST", "/users/", undefined, "application/json"],
    ["POST", "/users/", "application/jsonp", "application/json"],
    ["POST", "/token", "application/json", "application/x-www-form-urlencoded"],
    ["POST", "/token", "text/plain", "application/x-www-form-urlencoded"],
    ["POST", "/token", undefined, "application/x-www-form-urlencoded"],
  ];
  for (const [method, path, type, accept] of cases) {
    test(`${method} ${path} as ${type ?? "(no type)"} → 415, Accept-Post: ${accept}`, async () => {
      const { api } = await makeApp();
      const body = path === "/token" ? '{"username":"a","password":"b"}' : "email=a&password=b";
      const raw = new TextEncoder().encode(body);
      const sent = await api.send(method, path, {
        raw,
        headers: type ? { "content-type": type } : {},
      });
      expectProblem(sent, 415);
      expect(sent.headers.get("accept-post")).toBe(accept);
      expect(sent.body.detail).toBe(`Send the body as ${accept}`);
    });
  }

  test("a PATCH names what it takes in Accept-Patch (RFC 5789 §2.2), not Accept-Post", async () => {
    const { api } = await makeApp();
    const sent = await api.send("PATCH", "/admin/users/1", {
      token: await api.adminToken(),
      raw: new TextEncoder().encode("role=admin"),
      headers: { "content-type": "text/plain" },
    });
    expectProblem(sent, 415);
    expect(sent.headers.get("accept-patch")).toBe("application/json");
    expect(sent.headers.get("accept-post")).toBeNull();
  });
});

describe("prototype-named fields", () => {
  test("a form with __proto__, constructor and prototype fields logs in normally", async () => {
    const { api } = await makeApp();
    await api.register("proto@example.com", "password-123");
    const sent = await api.send("POST", "/token", {
      raw: "__proto__=x&constructor=y&prototype=z&username=proto%40example.com&password=password-123&__proto__%5Brole%5D=admin",
      headers: FORM_TYPE,
    });
    expect(sent.status).toBe(200);
    const me = await api.get("/users/me", sent.body.access_token);
    expect(me.body.role).toBe("user");
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  test("a form whose username/password are named via __proto__ tricks is a 422", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/token", {
      raw: "__proto__=username&constructor=password",
      headers: FORM_TYPE,
    });
    expectProblem(sent, 422);
    expect(sent.body.errors).toEqual([
      { path: "/username", message: "is required" },
      { path: "/password", message: "is required" },
    ]);
  });

  test("JSON with __proto__ and constructor keys cannot make an admin or pollute", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/users/", {
      raw: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}},"email":"pp@example.com","password":"password-123"}',
      headers: JSON_TYPE,
    });
    expect([201, 422]).toContain(sent.status);
    if (sent.status === 201) expect(sent.body.user.role).toBe("user");
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    const items = await api.send("POST", "/users/me/items", {
      raw: '{"title":"t","__proto__":{"owner_id":1}}',
      headers: {
        ...JSON_TYPE,
        authorization: `Bearer ${(await api.register("pq@example.com")).token}`,
      },
    });
    expect([201, 422]).toContain(items.status);
    expect(({} as Record<string, unknown>).owner_id).toBeUndefined();
  });

  test("repeated form fields → 422, not a crash", async () => {
    const { api } = await makeApp();
    const sent = await api.send("POST", "/token", {
      raw: "username=a%40b.co&password=p1&password=p2",
      headers: FORM_TYPE,
    });
    expectProblem(sent, 422);
    expect(sent.text).not.toContain("p1");
  });
});

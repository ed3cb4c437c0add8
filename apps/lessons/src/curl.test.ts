import { describe, expect, test } from "bun:test";
import { curlCommand, shellQuote, shellVar } from "./curl.ts";
import { prepareRequest } from "./http.ts";

/** What a POSIX shell makes of the quoted word: the proof that quoting round-trips. */
function throughShell(word: string): string {
  const run = Bun.spawnSync(["sh", "-c", `printf '%s' ${word}`]);
  return run.stdout.toString();
}

describe("shellQuote", () => {
  test.each([
    "plain",
    "with space",
    "it's",
    "'quoted'",
    '"double" and $HOME and `cmd` and \\',
    "ünïcødé — ✓ 日本",
    "",
    "a\nb",
    "--data",
    '{"email":"a@b.co"}',
  ])("%p survives the shell", (arg) => {
    expect(throughShell(shellQuote(arg))).toBe(arg);
  });

  test("safe words stay unquoted; others are single-quoted", () => {
    expect(shellQuote("http://localhost:8000/users/me")).toBe("http://localhost:8000/users/me");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

test("shellVar", () => {
  expect(shellVar("token")).toBe("TOKEN");
  expect(shellVar("adminToken")).toBe("ADMIN_TOKEN");
  expect(shellVar("expired-token")).toBe("EXPIRED_TOKEN");
});

const base = "http://localhost:8000";

describe("curlCommand", () => {
  test("GET needs no -X; one option per line", () => {
    expect(curlCommand(prepareRequest({ method: "GET", path: "/health" }, {}, base))).toBe(
      "curl -i http://localhost:8000/health",
    );
  });

  test("JSON: Content-Type and --data-raw, quoted; POST is implied", () => {
    const request = prepareRequest(
      { method: "POST", path: "/users/", json: { email: "o'brien@example.com", name: "Zoë Ü" } },
      {},
      base,
    );
    expect(curlCommand(request)).toBe(
      [
        "curl -i http://localhost:8000/users/ \\",
        "  -H 'Content-Type: application/json' \\",
        `  --data-raw '{"email":"o'\\''brien@example.com","name":"Zoë Ü"}'`,
      ].join("\n"),
    );
  });

  test("forms use --data-urlencode per field and let curl set the Content-Type", () => {
    const request = prepareRequest(
      {
        method: "POST",
        path: "/token",
        form: { username: "a+b@example.com", password: "p w&d=1" },
      },
      {},
      base,
    );
    expect(curlCommand(request)).toBe(
      [
        "curl -i http://localhost:8000/token \\",
        "  --data-urlencode username=a+b@example.com \\",
        "  --data-urlencode 'password=p w&d=1'",
      ].join("\n"),
    );
  });

  test("a bearer token goes through a shell variable, assigned above when known", () => {
    const request = prepareRequest(
      { method: "DELETE", path: "/users/7", bearer: "adminToken" },
      { adminToken: "abc.def.ghi" },
      base,
    );
    expect(curlCommand(request, { tokenValue: "abc.def.ghi" })).toBe(
      [
        "ADMIN_TOKEN=abc.def.ghi",
        "curl -i -X DELETE http://localhost:8000/users/7 \\",
        '  -H "Authorization: Bearer $ADMIN_TOKEN"',
      ].join("\n"),
    );
    expect(curlCommand(request, { tokenComment: "from step 1" }).split("\n")[0]).toBe(
      "# ADMIN_TOKEN: from step 1",
    );
  });

  test("HEAD uses --head, other methods without a body use -X", () => {
    expect(curlCommand(prepareRequest({ method: "HEAD", path: "/" }, {}, base))).toBe(
      "curl -i --head http://localhost:8000/",
    );
    expect(curlCommand(prepareRequest({ method: "PUT", path: "/users/me" }, {}, base))).toBe(
      "curl -i -X PUT http://localhost:8000/users/me",
    );
  });

  test("raw bodies keep their media type; custom headers are quoted", () => {
    const request = prepareRequest(
      {
        method: "POST",
        path: "/users/",
        raw: { contentType: "text/plain", body: "@not a file" },
        headers: { "X-Request-Id": "my id" },
      },
      {},
      base,
    );
    expect(curlCommand(request)).toBe(
      [
        "curl -i http://localhost:8000/users/ \\",
        "  -H 'Content-Type: text/plain' \\",
        "  -H 'X-Request-Id: my id' \\",
        "  --data-raw '@not a file'",
      ].join("\n"),
    );
  });

  test("an oversized body is made by printf and piped in: the same bytes", () => {
    const request = prepareRequest(
      { method: "POST", path: "/users/", oversizedJsonBytes: 70_000 },
      {},
      base,
    );
    const command = curlCommand(request);
    expect(command.split("\n")[0]).toBe(`printf '{"pad":"%69990s"}' '' |`);
    expect(command).toContain("--data-binary @-");
    const made = Bun.spawnSync(["sh", "-c", `printf '{"pad":"%69990s"}' ''`]).stdout.toString();
    expect(made).toBe(request.body as string);
  });
});

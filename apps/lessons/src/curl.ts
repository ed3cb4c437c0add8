/**
 * The `curl` command that sends the same request by hand. Arguments are single-quoted for a
 * POSIX shell (the one quote that needs care, `'`, becomes `'\''`); a bearer token goes in
 * a shell variable so the command stays short and the token is pasted once.
 */
import { oversizedJson, type PreparedRequest } from "./http.ts";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `accessToken` → `ACCESS_TOKEN`, `token` → `TOKEN`. */
export function shellVar(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toUpperCase();
}

export interface CurlOptions {
  /** The token's value for an assignment line above the command (interactive mode). */
  tokenValue?: string;
  /** Docs: a comment line explaining where the variable's value comes from. */
  tokenComment?: string;
}

export function curlCommand(request: PreparedRequest, options: CurlOptions = {}): string {
  const lines: string[] = [];
  const head = ["curl", "-i"];
  const args: string[] = [];
  let pipeFrom: string | undefined;

  const hasData = request.body !== undefined;
  // -X only where curl would not pick the method itself (and never -X HEAD: curl would then
  // wait for a body that never comes).
  if (request.method === "HEAD") head.push("--head");
  else if (!(request.method === "GET" && !hasData) && !(request.method === "POST" && hasData)) {
    head.push("-X", request.method);
  }
  head.push(shellQuote(request.url));

  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    // curl sets this one itself for --data-urlencode.
    if (lower === "content-type" && request.bodyKind === "form") continue;
    if (lower === "authorization" && request.bearerVar) {
      const variable = shellVar(request.bearerVar);
      if (options.tokenValue !== undefined) {
        lines.push(`${variable}=${shellQuote(options.tokenValue)}`);
      } else if (options.tokenComment) {
        lines.push(`# ${variable}: ${options.tokenComment}`);
      }
      args.push("-H", `"Authorization: Bearer $${variable}"`);
      continue;
    }
    args.push("-H", shellQuote(`${name}: ${value}`));
  }

  switch (request.bodyKind) {
    case "form":
      for (const [name, value] of request.form ?? []) {
        args.push("--data-urlencode", shellQuote(`${name}=${value}`));
      }
      break;
    case "json":
    case "raw":
      // --data-raw: a body starting with @ is not a file name, and nothing is stripped.
      args.push("--data-raw", shellQuote(request.body ?? ""));
      break;
    case "oversized": {
      // printf pads the empty string to the width: the same bytes without pasting 64 KiB.
      const spaces = Buffer.byteLength(request.body ?? "") - oversizedJson(0).length;
      pipeFrom = `printf '{"pad":"%${spaces}s"}' ''`;
      args.push("--data-binary", "@-");
      break;
    }
  }

  // One option per line: long commands stay readable and copy-paste as one.
  const command = [head.join(" "), ...pairUp(args)].join(" \\\n  ");
  lines.push(pipeFrom ? `${pipeFrom} |\n  ${command}` : command);
  return lines.join("\n");
}

/** `-H value` pairs, one per line. */
function pairUp(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 2) out.push(`${args[i]} ${args[i + 1]}`);
  return out;
}

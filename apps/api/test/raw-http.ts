/**
 * HTTP/1.1 over a plain socket, byte for byte: for requests `fetch` refuses to send (a lying
 * Content-Length, a lower-case method, a short Host, malformed framing).
 */

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** What came back: an answer, or the connection closing with not a byte sent. */
export type RawOutcome = RawAnswer | "closed";

const HEAD_END = "\r\n\r\n";

/** Parses the first response in `bytes`; `undefined` when there is none. */
export function parseAnswer(bytes: string): RawAnswer | undefined {
  const end = bytes.indexOf(HEAD_END);
  if (end === -1) return undefined;
  const [statusLine = "", ...lines] = bytes.slice(0, end).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) return undefined;
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = bytes.slice(end + HEAD_END.length);
  const length = headers.get("content-length");
  if (length !== null) body = body.slice(0, Number(length));
  else if (headers.get("transfer-encoding")?.includes("chunked")) body = unchunk(body);
  return { status: Number(status), headers, body };
}

function unchunk(text: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at);
    if (lineEnd === -1) return out;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!size) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends `request` as given and reads until the server closes the connection (send
 * `Connection: close`) or `timeoutMs` passes, which only catches a hang: a server that keeps
 * the connection open after a complete answer is read as soon as the answer is whole.
 */
export function exchange(port: number, request: string | Uint8Array, timeoutMs = 30_000) {
  return new Promise<RawOutcome>((resolve, reject) => {
    let received = "";
    const decoder = new TextDecoder("latin1");
    const done = (outcome: RawOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      const answer = parseAnswer(received);
      if (answer) done(answer);
      else reject(new Error(`no answer within ${timeoutMs} ms: ${JSON.stringify(received)}`));
    }, timeoutMs);
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        // Strings go out byte for byte (Latin-1), so a body can carry invalid UTF-8.
        open: (socket) =>
          void socket.write(typeof request === "string" ? Buffer.from(request, "latin1") : request),
        data: (socket, chunk) => {
          received += decoder.decode(chunk, { stream: true });
          const answer = parseAnswer(received);
          const length = answer?.headers.get("content-length");
          // A complete answer ends the wait even if the server keeps the connection open.
          if (answer && length !== null && answer.body.length >= Number(length)) {
            socket.end();
            done(answer);
          }
        },
        close: () => done(parseAnswer(received) ?? "closed"),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

/** A request as a string: the request line, the headers, a blank line and the body. */
export function rawRequest(
  requestLine: string,
  headers: Record<string, string> | string[],
  body = "",
): string {
  const lines = Array.isArray(headers)
    ? headers
    : Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [requestLine, ...lines, "", body].join("\r\n");
}

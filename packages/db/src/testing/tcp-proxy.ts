import type { Socket, TCPSocketListener } from "bun";

interface End {
  /** The socket on the other side; unset on the client's end until the upstream connects. */
  peer?: Socket<End>;
  /** Bytes for this socket that it could not take yet (backpressure). */
  outbox: Uint8Array[];
  /** Client end only: bytes the client sent before the upstream connected. */
  early: Uint8Array[];
}

export interface TcpProxy {
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Drops every connection (both ends) and refuses new ones: the server is gone. */
  down(): void;
  /** Accepts connections again, on the same port. */
  up(): void;
}

/** Writes what `to` can take now and keeps the rest for its `drain`. */
function send(to: Socket<End>, chunk: Uint8Array) {
  if (to.data.outbox.length > 0) {
    to.data.outbox.push(chunk);
    return;
  }
  const written = Math.max(to.write(chunk), 0);
  if (written < chunk.byteLength) to.data.outbox.push(chunk.subarray(written));
}

function drain(s: Socket<End>) {
  while (s.data.outbox.length > 0) {
    const chunk = s.data.outbox[0] as Uint8Array;
    const written = Math.max(s.write(chunk), 0);
    if (written < chunk.byteLength) {
      s.data.outbox[0] = chunk.subarray(written);
      return;
    }
    s.data.outbox.shift();
  }
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, for taking the network away from a client and
 * giving it back. `down()` closes the sockets, as a restarting server or a reset link does, so
 * clients notice at once rather than after a TCP timeout.
 */
export function tcpProxy(target: { hostname: string; port: number }): TcpProxy {
  const clients = new Set<Socket<End>>();
  let server: TCPSocketListener<End> | undefined;
  let port = 0;

  const kill = (client: Socket<End>) => {
    clients.delete(client);
    client.data.peer?.terminate();
    client.terminate();
  };

  const connectUpstream = (client: Socket<End>) =>
    Bun.connect<End>({
      hostname: target.hostname,
      port: target.port,
      data: { peer: client, outbox: [], early: [] },
      socket: {
        open(upstream) {
          if (!clients.has(client)) return void upstream.terminate();
          client.data.peer = upstream;
          for (const chunk of client.data.early.splice(0)) send(upstream, chunk);
        },
        // Copied: Bun reuses the buffer a data callback receives.
        data: (_upstream, chunk) => send(client, new Uint8Array(chunk)),
        drain,
        close: () => kill(client),
        error: () => kill(client),
      },
    }).catch(() => kill(client));

  const listen = () => {
    server = Bun.listen<End>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(client) {
          client.data = { outbox: [], early: [] };
          clients.add(client);
          void connectUpstream(client);
        },
        data(client, chunk) {
          const copy = new Uint8Array(chunk);
          if (client.data.peer) send(client.data.peer, copy);
          else client.data.early.push(copy);
        },
        drain,
        close: kill,
        error: kill,
      },
    });
    port = server.port;
  };
  listen();

  return {
    get port() {
      return port;
    },
    get connections() {
      return clients.size;
    },
    down() {
      for (const client of [...clients]) kill(client);
      server?.stop(true);
      server = undefined;
    },
    up() {
      if (!server) listen();
    },
  };
}

/** A port nothing listens on: something just did, so nothing else has taken it meanwhile. */
export function closedPort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

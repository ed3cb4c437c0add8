import { describe, expect, test } from "bun:test";
import {
  canonicalAddress,
  clientAddressFor,
  compileTrust,
  describeTrustProxy,
  forwardedAddress,
  parseTrustProxy,
  resolveClientAddress,
  type TrustProxy,
} from "./client-address.ts";

/** The configuration as TRUST_PROXY would give it; fails the test if it is refused. */
function trust(raw: string): TrustProxy {
  const parsed = parseTrustProxy(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  if (!parsed.value) throw new Error(`TRUST_PROXY=${raw} is off`);
  return parsed.value;
}

const resolve = (raw: string, peer: string, xff?: string | null) =>
  resolveClientAddress(peer, xff, compileTrust(trust(raw)));

describe("parseTrustProxy", () => {
  const accepted: [string, TrustProxy | undefined][] = [
    ["", undefined],
    ["   ", undefined],
    ["0", undefined],
    ["1", { hops: 1 }],
    [" 2 ", { hops: 2 }],
    ["32", { hops: 32 }],
    ["10.0.0.1", { proxies: [{ family: "ipv4", network: "10.0.0.1", prefix: 32 }] }],
    [
      "10.0.0.0/8, 192.168.1.7, ::1, fd00::/8",
      {
        proxies: [
          { family: "ipv4", network: "10.0.0.0", prefix: 8 },
          { family: "ipv4", network: "192.168.1.7", prefix: 32 },
          { family: "ipv6", network: "::1", prefix: 128 },
          { family: "ipv6", network: "fd00::", prefix: 8 },
        ],
      },
    ],
    // IPv6 in one spelling; IPv4-mapped IPv6 as IPv4, its prefix counted in IPv4 bits.
    ["FD00:0:0::0/8", { proxies: [{ family: "ipv6", network: "fd00::", prefix: 8 }] }],
    ["::ffff:10.0.0.1", { proxies: [{ family: "ipv4", network: "10.0.0.1", prefix: 32 }] }],
    ["::ffff:10.0.0.0/104", { proxies: [{ family: "ipv4", network: "10.0.0.0", prefix: 8 }] }],
    ["10.0.0.1,", { proxies: [{ family: "ipv4", network: "10.0.0.1", prefix: 32 }] }],
    ["172.16.0.0/12", { proxies: [{ family: "ipv4", network: "172.16.0.0", prefix: 12 }] }],
  ];
  for (const [raw, value] of accepted) {
    test(`accepts ${JSON.stringify(raw)}`, () => {
      expect(parseTrustProxy(raw)).toEqual({ ok: true, value });
    });
  }

  test("unset is off", () => {
    expect(parseTrustProxy(undefined)).toEqual({ ok: true, value: undefined });
  });

  const refused: [string, string][] = [
    ["33", "33"],
    ["100000", "100000"],
    ["-1", "-1"],
    ["1.5", "1.5"],
    ["10.0.0.0/33", "10.0.0.0/33"],
    ["fd00::/129", "fd00::/129"],
    ["10.0.0.0/", "10.0.0.0/"],
    ["10.0.0.0/8/8", "10.0.0.0/8/8"],
    ["10.0.0.256", "10.0.0.256"],
    ["010.0.0.1", "010.0.0.1"],
    ["10.0.0", "10.0.0"],
    ["10.0.0.1, proxy.internal", "proxy.internal"],
    ["localhost", "localhost"],
    ["fe80::1%eth0", "fe80::1%eth0"],
    ["[::1]", "[::1]"],
    ["10.0.0.1:8080", "10.0.0.1:8080"],
    [",", ","],
    ["10.0.0.1 10.0.0.2", "10.0.0.1 10.0.0.2"],
  ];
  for (const [raw, named] of refused) {
    test(`refuses ${JSON.stringify(raw)} in one line naming TRUST_PROXY and the entry`, () => {
      const parsed = parseTrustProxy(raw);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.message).toStartWith("TRUST_PROXY ");
      expect(parsed.message).toContain(JSON.stringify(named));
      expect(parsed.message).not.toMatch(/[\r\n]/);
    });
  }

  for (const raw of ["true", "TRUE", "yes", "*", "all", "0.0.0.0/0", "::/0", "10.0.0.1, ::/0"]) {
    test(`refuses ${JSON.stringify(raw)}: it would trust every address`, () => {
      const parsed = parseTrustProxy(raw);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok)
        expect(parsed.message).toStartWith("TRUST_PROXY must not trust every address");
    });
  }

  test("a long bad value is quoted short, on one line", () => {
    const parsed = parseTrustProxy(`bad\n${"x".repeat(500)}`);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).not.toMatch(/[\r\n]/);
    expect(parsed.message.length).toBeLessThan(250);
  });
});

describe("canonicalAddress and forwardedAddress", () => {
  const cases: [string, string | undefined, string | undefined][] = [
    // raw, canonicalAddress, forwardedAddress
    ["203.0.113.7", "203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", undefined, "203.0.113.7"],
    ["2001:DB8:0:0::1", "2001:db8::1", "2001:db8::1"],
    ["::ffff:203.0.113.7", "203.0.113.7", "203.0.113.7"],
    ["::FFFF:cb00:7107", "203.0.113.7", "203.0.113.7"],
    ["0:0:0:0:0:ffff:203.0.113.7", "203.0.113.7", "203.0.113.7"],
    ["::1", "::1", "::1"],
    ["203.0.113.7:51234", undefined, "203.0.113.7"],
    ["[2001:db8::1]", undefined, "2001:db8::1"],
    ["[2001:db8::1]:51234", undefined, "2001:db8::1"],
    ["[::ffff:203.0.113.7]:443", undefined, "203.0.113.7"],
    ["[203.0.113.7]", undefined, undefined],
    ["203.0.113.7:", undefined, undefined],
    ["203.0.113.7:123456", undefined, undefined],
    ["fe80::1%eth0", undefined, undefined],
    ["unknown", undefined, undefined],
    ["_hidden", undefined, undefined],
    ["", undefined, undefined],
    ["example.com", undefined, undefined],
    ["1.2.3.4.5", undefined, undefined],
    ["01.2.3.4", undefined, undefined],
    ["<script>", undefined, undefined],
  ];
  for (const [raw, canonical, forwarded] of cases) {
    test(JSON.stringify(raw), () => {
      expect(canonicalAddress(raw)).toBe(canonical);
      expect(forwardedAddress(raw)).toBe(forwarded);
    });
  }
});

describe("resolveClientAddress", () => {
  // [TRUST_PROXY, peer, X-Forwarded-For (null = absent), the client]
  const table: [string, string, string, string | null, string][] = [
    // A hop count: that many entries from the right of peer + X-Forwarded-For.
    ["one proxy", "1", "10.0.0.2", "203.0.113.7", "203.0.113.7"],
    [
      "one proxy, a forged entry on the left",
      "1",
      "10.0.0.2",
      "6.6.6.6, 203.0.113.7",
      "203.0.113.7",
    ],
    [
      "one proxy, many forged entries",
      "1",
      "10.0.0.2",
      "1.1.1.1, 2.2.2.2, 203.0.113.7",
      "203.0.113.7",
    ],
    ["two proxies", "2", "10.0.0.2", "203.0.113.7, 10.0.0.9", "203.0.113.7"],
    [
      "two proxies, a forged entry",
      "2",
      "10.0.0.2",
      "6.6.6.6, 203.0.113.7, 10.0.0.9",
      "203.0.113.7",
    ],
    ["more hops than entries: the leftmost", "3", "10.0.0.2", "203.0.113.7", "203.0.113.7"],
    ["a hop count, header absent: the peer", "1", "10.0.0.2", null, "10.0.0.2"],
    ["a hop count, header empty: the peer", "1", "10.0.0.2", "", "10.0.0.2"],
    ["a hop count ignores who the peer is", "1", "203.0.113.9", "198.51.100.4", "198.51.100.4"],
    ["a hop count, IPv6 client", "1", "10.0.0.2", "2001:DB8::7", "2001:db8::7"],
    // A list: past every trusted proxy, the first untrusted address is the client.
    ["listed peer", "10.0.0.0/8", "10.1.2.3", "203.0.113.7", "203.0.113.7"],
    [
      "untrusted peer: its header is ignored",
      "10.0.0.0/8",
      "198.51.100.4",
      "203.0.113.7",
      "198.51.100.4",
    ],
    [
      "untrusted peer forging a trusted entry",
      "10.0.0.0/8",
      "198.51.100.4",
      "10.0.0.5",
      "198.51.100.4",
    ],
    [
      "a chain of trusted proxies",
      "10.0.0.0/8, 192.168.1.7",
      "10.0.0.2",
      "203.0.113.7, 192.168.1.7, 10.9.9.9",
      "203.0.113.7",
    ],
    [
      "a forged entry left of the client",
      "10.0.0.0/8",
      "10.0.0.2",
      "6.6.6.6, 203.0.113.7",
      "203.0.113.7",
    ],
    [
      "a forged trusted entry left of the client",
      "10.0.0.0/8",
      "10.0.0.2",
      "10.0.0.77, 203.0.113.7",
      "203.0.113.7",
    ],
    [
      "every entry trusted: the leftmost",
      "10.0.0.0/8",
      "10.0.0.2",
      "10.0.0.3, 10.0.0.4",
      "10.0.0.3",
    ],
    ["listed peer, header absent: the peer", "10.0.0.0/8", "10.0.0.2", null, "10.0.0.2"],
    [
      "a single trusted address, not its neighbour",
      "192.168.1.7",
      "192.168.1.8",
      "203.0.113.7",
      "192.168.1.8",
    ],
    // IPv6 and IPv4-mapped IPv6.
    ["IPv6 loopback proxy", "::1", "::1", "203.0.113.7", "203.0.113.7"],
    ["an IPv6 range", "fd00::/8", "fd12:3456::1", "2001:db8::7", "2001:db8::7"],
    ["outside the IPv6 range", "fd00::/8", "fe80::1", "2001:db8::7", "fe80::1"],
    [
      "a mapped peer compares as IPv4",
      "10.0.0.0/8",
      "::ffff:10.0.0.2",
      "203.0.113.7",
      "203.0.113.7",
    ],
    [
      "a mapped client is returned as IPv4",
      "10.0.0.0/8",
      "10.0.0.2",
      "::ffff:203.0.113.7",
      "203.0.113.7",
    ],
    [
      "a mapped entry compares as IPv4",
      "10.0.0.0/8",
      "10.0.0.2",
      "203.0.113.7, ::ffff:10.0.0.3",
      "203.0.113.7",
    ],
    ["a mapped rule matches IPv4", "::ffff:10.0.0.0/104", "10.0.0.2", "203.0.113.7", "203.0.113.7"],
    [
      "an untrusted mapped peer, as IPv4",
      "10.0.0.0/8",
      "::ffff:198.51.100.4",
      "203.0.113.7",
      "198.51.100.4",
    ],
    // Several headers arrive joined by ", " (Request.headers.get does it).
    ["two headers, joined", "1", "10.0.0.2", "6.6.6.6, 203.0.113.7", "203.0.113.7"],
    [
      "no spaces after commas",
      "10.0.0.0/8",
      "10.0.0.2",
      "6.6.6.6,203.0.113.7,10.0.0.3",
      "203.0.113.7",
    ],
    [
      "ports and brackets written by a proxy",
      "10.0.0.0/8",
      "10.0.0.2",
      "[2001:db8::7]:4711, 10.0.0.3:80",
      "2001:db8::7",
    ],
    // Garbage stops the walk at the last trusted hop, never at something a client chose.
    ["garbage where the client should be", "10.0.0.0/8", "10.0.0.2", "unknown", "10.0.0.2"],
    [
      "garbage behind a trusted hop",
      "10.0.0.0/8",
      "10.0.0.2",
      "203.0.113.7, garbage, 10.0.0.3",
      "10.0.0.3",
    ],
    [
      "garbage left of the client is never read",
      "10.0.0.0/8",
      "10.0.0.2",
      "<script>, 203.0.113.7",
      "203.0.113.7",
    ],
    ["an empty entry", "1", "10.0.0.2", "203.0.113.7, ", "10.0.0.2"],
    ["only commas", "2", "10.0.0.2", ",,,", "10.0.0.2"],
    ["a host name", "1", "10.0.0.2", "evil.example", "10.0.0.2"],
    ["a zone id", "1", "10.0.0.2", "fe80::1%eth0", "10.0.0.2"],
    ["garbage within the hop count", "2", "10.0.0.2", "203.0.113.7, bogus", "10.0.0.2"],
    ["a huge header", "1", "10.0.0.2", `${"9.9.9.9, ".repeat(5000)}203.0.113.7`, "203.0.113.7"],
    // A peer that is not an address is never trusted.
    ["a peer that is not an address", "1", "unknown", "203.0.113.7", "unknown"],
    ["a peer with a zone id", "fe80::/10", "fe80::1%eth0", "203.0.113.7", "fe80::1%eth0"],
  ];
  for (const [name, raw, peer, xff, client] of table) {
    test(`${name}: TRUST_PROXY=${raw}, peer ${peer}, X-Forwarded-For ${JSON.stringify(xff).slice(0, 60)} → ${client}`, () => {
      expect(resolve(raw, peer, xff)).toBe(client);
    });
  }

  test("a hop count is read from the right, whatever the length", () => {
    const chain = ["1.0.0.1", "1.0.0.2", "1.0.0.3", "1.0.0.4"];
    for (let hops = 1; hops <= 6; hops++) {
      const expected = chain[Math.max(0, chain.length - hops)];
      expect(resolve(String(hops), "10.0.0.2", chain.join(", "))).toBe(expected as string);
    }
  });
});

describe("clientAddressFor (deps.clientAddress)", () => {
  const server = (address: string) => ({ requestIP: () => ({ address }) });
  const request = (...forwardedFor: string[]) => {
    const headers = new Headers();
    for (const value of forwardedFor) headers.append("x-forwarded-for", value);
    return new Request("http://localhost/token", { headers });
  };

  test("off: the peer address, as given, and X-Forwarded-For is never read", () => {
    const address = clientAddressFor(undefined);
    expect(address(request("203.0.113.7"), server("10.0.0.2"))).toBe("10.0.0.2");
    expect(address(request("203.0.113.7"), server("::ffff:10.0.0.2"))).toBe("::ffff:10.0.0.2");
    expect(address(request("203.0.113.7"), null)).toBe("unknown");
  });

  test("on: the forwarded client; two headers count as one list", () => {
    const address = clientAddressFor(trust("10.0.0.0/8"));
    expect(address(request("203.0.113.7"), server("10.0.0.2"))).toBe("203.0.113.7");
    expect(address(request("6.6.6.6", "203.0.113.7"), server("10.0.0.2"))).toBe("203.0.113.7");
    expect(address(request("203.0.113.7"), server("198.51.100.4"))).toBe("198.51.100.4");
  });

  test("on, without a peer (app.handle): unknown, whatever the header says", () => {
    expect(clientAddressFor(trust("1"))(request("203.0.113.7"), null)).toBe("unknown");
    const noPeer = { requestIP: () => null };
    expect(clientAddressFor(trust("1"))(request("203.0.113.7"), noPeer)).toBe("unknown");
  });
});

test("describeTrustProxy: one line for the banner", () => {
  expect(describeTrustProxy(trust("1"))).toBe("X-Forwarded-For believed through 1 proxy");
  expect(describeTrustProxy(trust("2"))).toBe("X-Forwarded-For believed through 2 proxies");
  expect(describeTrustProxy(trust("10.0.0.0/8, ::1, ::ffff:192.168.1.7"))).toBe(
    "X-Forwarded-For believed from 10.0.0.0/8, ::1, 192.168.1.7",
  );
});

/**
 * Who is calling, when the API may sit behind reverse proxies (TRUST_PROXY).
 *
 * The connection's peer is the last proxy, not the client. Each proxy appends the address it
 * received the request from to X-Forwarded-For, so the header reads, left to right, whatever
 * the client wrote, then one entry per proxy. Only the entries written by proxies we trust
 * mean anything: we walk from the peer leftwards while the address in hand is a trusted proxy,
 * and the first one that is not is the client. Anything further left was written by the client
 * and is never read, so a forged entry cannot be picked.
 *
 * Pure functions, apart from compiling the trusted ranges into a `net.BlockList` once.
 */
import { BlockList, isIP } from "node:net";
import { type Parsed, quoted } from "../config-value.ts";

/** Which proxies' X-Forwarded-For entries are believed. Absent: none (the peer is the client). */
export type TrustProxy =
  /** That many proxies in front of the API, whoever they are. */
  | { hops: number }
  /** Any proxy whose address is in one of these ranges, however many there are. */
  | { proxies: readonly ProxyRange[] };

/** One address or CIDR range; a single address is a range of one (prefix 32 or 128). */
export interface ProxyRange {
  family: "ipv4" | "ipv6";
  network: string;
  prefix: number;
}

export const MAX_HOPS = 32;

const refuse = (entry: string): Parsed<never> => ({
  ok: false,
  message: `TRUST_PROXY must be a proxy count (1 to ${MAX_HOPS}) or a comma-separated list of IP addresses and CIDR ranges (got ${quoted(entry)})`,
});

const trustsEveryone = (entry: string): Parsed<never> => ({
  ok: false,
  message: `TRUST_PROXY must not trust every address, or any client could name itself; give the proxies' count or their addresses (got ${quoted(entry)})`,
});

/**
 * TRUST_PROXY as configured: unset, empty or `0` is off; a number is a hop count; anything
 * else is a list of addresses and CIDR ranges (IPv4 and IPv6; `::ffff:a.b.c.d` counts as IPv4).
 */
export function parseTrustProxy(raw: string | undefined): Parsed<TrustProxy | undefined> {
  const value = raw?.trim() ?? "";
  if (value === "" || value === "0") return { ok: true, value: undefined };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= MAX_HOPS ? { ok: true, value: { hops } } : refuse(value);
  }
  if (/^(true|yes|on|\*|all)$/i.test(value)) return trustsEveryone(value);
  const proxies: ProxyRange[] = [];
  for (const part of value.split(",")) {
    const entry = part.trim();
    if (entry === "") continue; // a trailing comma
    const range = parseRange(entry);
    if (!range) return refuse(entry);
    if (range.prefix === 0) return trustsEveryone(entry);
    proxies.push(range);
  }
  if (proxies.length === 0) return refuse(value);
  return { ok: true, value: { proxies } };
}

function parseRange(entry: string): ProxyRange | undefined {
  const match = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(entry);
  if (!match?.[1]) return undefined;
  const network = canonicalAddress(match[1]);
  if (network === undefined) return undefined;
  const family = isIP(network) === 4 ? "ipv4" : "ipv6";
  const bits = family === "ipv4" ? 32 : 128;
  if (match[2] === undefined) return { family, network, prefix: bits };
  let prefix = Number(match[2]);
  // `::ffff:10.0.0.0/104` was written as IPv6 but `network` is now IPv4: drop the 96 bits.
  if (family === "ipv4" && isIP(match[1]) === 6) prefix -= 96;
  if (prefix < 0 || prefix > bits) return undefined;
  return { family, network, prefix };
}

/**
 * An address in one spelling, or undefined when it is not one: IPv4 as is, IPv6 lower-case and
 * compressed (RFC 5952), an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as the IPv4 address.
 * Zone ids (`fe80::1%eth0`), leading zeros, host names and `unknown` are refused.
 */
export function canonicalAddress(raw: string): string | undefined {
  const family = isIP(raw);
  if (family === 4) return raw;
  if (family !== 6 || raw.includes("%")) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${raw}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = Number.parseInt(mapped[1] ?? "", 16);
  const low = Number.parseInt(mapped[2] ?? "", 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * One X-Forwarded-For entry as an address. Besides a bare address, what some proxies write is
 * accepted: `1.2.3.4:5678`, `[2001:db8::1]` and `[2001:db8::1]:5678`.
 */
export function forwardedAddress(entry: string): string | undefined {
  const value = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed?.[1]) return isIP(bracketed[1]) === 6 ? canonicalAddress(bracketed[1]) : undefined;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(value);
  return canonicalAddress(withPort?.[1] ?? value);
}

/** Whether the address met at `hop` (0 = the peer, 1 = the rightmost entry, …) is a trusted proxy. */
export type TrustsHop = (address: string, hop: number) => boolean;

/** Compiles the configuration once: a hop counter, or the ranges in a `net.BlockList`. */
export function compileTrust(trust: TrustProxy): TrustsHop {
  if ("hops" in trust) {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  const list = new BlockList();
  for (const { network, prefix, family } of trust.proxies) list.addSubnet(network, prefix, family);
  // Addresses reach here canonical, so an IPv4 address never arrives spelt as IPv6.
  return (address) => list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: from the peer, leftwards through X-Forwarded-For (several headers arrive
 * joined by ", "), past every trusted proxy. The walk stops at the first untrusted address (the
 * client), at the end of the header (the leftmost address, though trusted, is all there is),
 * or at an entry that is not an address: the last trusted hop is then the best we know, since
 * what it claims to have seen is unreadable. A peer that is not an address is returned as is
 * and its header ignored.
 */
export function resolveClientAddress(
  peer: string,
  forwardedFor: string | null | undefined,
  trusts: TrustsHop,
): string {
  let client = canonicalAddress(peer);
  if (client === undefined) return peer;
  const entries = forwardedFor ? forwardedFor.split(",") : [];
  for (let hop = 0; trusts(client, hop); hop++) {
    const entry = entries[entries.length - 1 - hop];
    if (entry === undefined) break;
    const next = forwardedAddress(entry);
    if (next === undefined) break;
    client = next;
  }
  return client;
}

/** The part of Bun's `Server` this needs (tests pass a stand-in). */
export interface PeerSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * `deps.clientAddress` for a configuration. Without TRUST_PROXY it is the peer address, exactly
 * as before, and X-Forwarded-For is never read. Without a server (`app.handle` in tests) there
 * is no peer, and then no header is believed either: "unknown".
 */
export function clientAddressFor(
  trust: TrustProxy | undefined,
): (request: Request, server: PeerSource | null) => string {
  if (!trust) return (request, server) => server?.requestIP(request)?.address ?? "unknown";
  const trusts = compileTrust(trust);
  return (request, server) => {
    const peer = server?.requestIP(request)?.address;
    if (peer === undefined) return "unknown";
    return resolveClientAddress(peer, request.headers.get("x-forwarded-for"), trusts);
  };
}

/** One line for the start banner: how the client's address is found. */
export function describeTrustProxy(trust: TrustProxy): string {
  if ("hops" in trust) {
    return `X-Forwarded-For believed through ${trust.hops} prox${trust.hops === 1 ? "y" : "ies"}`;
  }
  const ranges = trust.proxies.map(({ network, prefix, family }) =>
    prefix === (family === "ipv4" ? 32 : 128) ? network : `${network}/${prefix}`,
  );
  return `X-Forwarded-For believed from ${ranges.join(", ")}`;
}

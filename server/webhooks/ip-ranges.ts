import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

// Which IP addresses an outgoing webhook may connect to. An allow-list: only ordinary global unicast addresses
// pass (IPv6 only inside 2000::/3). Everything else is refused with a reason — loopback, RFC 1918, unique local,
// link-local (incl. the cloud metadata address 169.254.169.254), CGNAT, unspecified, multicast, broadcast,
// documentation/benchmarking/reserved blocks, and the IPv6 forms that embed an IPv4 address (mapped, NAT64,
// 6to4, Teredo) unless they are unwrapped first. ipaddr.js keeps the table of special-purpose ranges.

const REASONS: Record<string, string> = {
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (where cloud metadata services answer)",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private address (RFC 1918)",
  uniqueLocal: "a unique local address (fc00::/7)",
  deprecatedSiteLocal: "a site-local address (fec0::/10)",
  reserved: "a reserved or documentation address",
};

/** Why a connection to this IP address is refused, or null when it is a public unicast address. */
export function blockedAddressReason(address: string): string | null {
  // A zone id (fe80::1%eth0) only ever comes with link-local addresses; the rest decides.
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!isIP(bare)) return "not an IP address";
  // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) into the IPv4 address it stands for.
  const ip = ipaddr.process(bare);
  const range = ip.range();
  if (range === "unicast") {
    if (ip.kind() === "ipv6" && !ip.match(GLOBAL_UNICAST_V6)) return "outside the global unicast range (2000::/3)";
    return null;
  }
  return REASONS[range] ?? `a special-purpose address (${range})`;
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

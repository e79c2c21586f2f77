import { describe, expect, it } from "vitest";
import { blockedAddressReason } from "./ip-ranges";

describe("blockedAddressReason", () => {
  it.each([
    ["8.8.8.8"],
    ["1.1.1.1"],
    ["172.15.255.255"], // just below 172.16.0.0/12
    ["172.32.0.0"], // just above it
    ["100.63.255.255"], // just below CGNAT 100.64.0.0/10
    ["100.128.0.0"], // just above it
    ["169.253.255.255"],
    ["223.255.255.255"], // last before multicast
    ["2606:4700:4700::1111"],
    ["2a00:1450:4001:82a::200e"],
    ["::ffff:8.8.8.8"], // mapped public IPv4 is that IPv4 address
  ])("lets the public address %s through", (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it.each([
    ["127.0.0.1", /loopback/],
    ["127.255.255.254", /loopback/],
    ["10.0.0.0", /private/],
    ["10.255.255.255", /private/],
    ["172.16.0.0", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.10", /private/],
    ["169.254.169.254", /link-local/], // cloud metadata
    ["169.254.0.1", /link-local/],
    ["100.64.0.0", /carrier-grade NAT/],
    ["100.127.255.255", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["0.1.2.3", /unspecified/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.255", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.1", /reserved/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["fe80::1", /link-local/],
    ["febf:ffff::1", /link-local/], // last of fe80::/10
    ["fe80::1%eth0", /link-local/],
    ["fc00::1", /unique local/],
    ["fdff:ffff::1", /unique local/],
    ["ff02::1", /multicast/],
    ["fec0::1", /site-local/],
    ["[::1]", /loopback/], // as it appears in a URL
  ])("refuses %s", (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each([
    ["::ffff:127.0.0.1", /loopback/],
    ["::ffff:7f00:1", /loopback/], // the same, in hex
    ["::ffff:10.0.0.1", /private/],
    ["::ffff:169.254.169.254", /link-local/],
    ["::ffff:100.64.0.1", /carrier-grade NAT/],
    ["::ffff:0.0.0.0", /unspecified/],
  ])("unwraps the IPv4-mapped address %s and refuses it", (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each([
    ["64:ff9b::a9fe:a9fe"], // NAT64 of 169.254.169.254
    ["2002:7f00:1::1"], // 6to4 of 127.0.0.1
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2"], // Teredo
    ["2001:db8::1"], // documentation
    ["100::1"], // discard-only
    ["::7f00:1"], // deprecated IPv4-compatible form
  ])("refuses %s, which embeds or stands for a special-purpose address", (address) => {
    expect(blockedAddressReason(address)).not.toBeNull();
  });

  it("refuses what is not an IP address", () => {
    expect(blockedAddressReason("example.com")).toBe("not an IP address");
    expect(blockedAddressReason("2130706433")).toBe("not an IP address");
  });
});

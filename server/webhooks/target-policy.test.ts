import { describe, expect, it } from "vitest";
import { privateTargetsAllowed } from "@/server/env";
import { endpointUrlProblem } from "./target-policy";

const problem = (url: string, allowPrivate: boolean) => endpointUrlProblem(new URL(url), allowPrivate);

describe("privateTargetsAllowed", () => {
  it("defaults to allowed outside production and refused in production", () => {
    expect(privateTargetsAllowed({ NODE_ENV: "development" })).toBe(true);
    expect(privateTargetsAllowed({ NODE_ENV: "test" })).toBe(true);
    expect(privateTargetsAllowed({ NODE_ENV: "production" })).toBe(false);
    expect(privateTargetsAllowed({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_TARGETS: "" })).toBe(false);
  });

  it("follows WEBHOOK_ALLOW_PRIVATE_TARGETS when set", () => {
    expect(privateTargetsAllowed({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_TARGETS: "1" })).toBe(true);
    expect(privateTargetsAllowed({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" })).toBe(true);
    expect(privateTargetsAllowed({ NODE_ENV: "development", WEBHOOK_ALLOW_PRIVATE_TARGETS: "0" })).toBe(false);
    expect(privateTargetsAllowed({ NODE_ENV: "development", WEBHOOK_ALLOW_PRIVATE_TARGETS: "no" })).toBe(false);
  });
});

describe("endpointUrlProblem", () => {
  it("accepts a public https URL", () => {
    expect(problem("https://hooks.example.com/billrun?x=1", false)).toBeNull();
    expect(problem("https://93.184.216.34:8443/hook", false)).toBeNull();
  });

  it("refuses credentials in the URL even where private targets are allowed", () => {
    expect(problem("https://user:pw@hooks.example.com/", false)).toBe("must not contain a user name or password");
    expect(problem("http://user@127.0.0.1/", true)).toBe("must not contain a user name or password");
  });

  it("refuses plain http, localhost and private or special addresses unless private targets are allowed", () => {
    expect(problem("http://hooks.example.com/", false)).toMatch(/^must use https:\/\//);
    expect(problem("https://localhost:3000/", false)).toBe("must not point to localhost");
    expect(problem("https://api.localhost./", false)).toBe("must not point to localhost");
    expect(problem("https://127.0.0.1/", false)).toBe("must not point to 127.0.0.1, a loopback address");
    expect(problem("https://169.254.169.254/latest/meta-data/", false)).toMatch(/^must not point to 169\.254\.169\.254, a link-local address/);
    expect(problem("https://10.1.2.3/", false)).toMatch(/private address \(RFC 1918\)/);
    expect(problem("https://[::1]/", false)).toMatch(/::1, a loopback address/);
    expect(problem("https://[::ffff:192.168.0.1]/", false)).toMatch(/private address/);
    // the URL parser turns other spellings of an IPv4 address into dotted form first
    expect(problem("https://2130706433/", false)).toMatch(/127\.0\.0\.1, a loopback address/);
    expect(problem("https://0x7f.1/", false)).toMatch(/127\.0\.0\.1, a loopback address/);

    expect(problem("http://127.0.0.1:8080/hook", true)).toBeNull();
    expect(problem("https://169.254.169.254/", true)).toBeNull();
  });

  it("refuses other schemes", () => {
    expect(problem("ftp://example.com/", true)).toBe("must be an http(s) URL");
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fingerprint, knownKeyTypes, parseKnownHosts, verifyHostKey } from "../../src/sources/ssh/known-hosts.js";

// Real keys made with ssh-keygen; HASHED was produced by `ssh-keygen -H` from
// "node1.example.com K1" and "[127.0.0.1]:2222 K2".
const K1 = "AAAAC3NzaC1lZDI1NTE5AAAAIJIz2VGdQs3oayGBaADhpe5Qb80KZeVZaW2N0y5UYAhI";
const K1_FP = "SHA256:iir2BNQGfxwc2eUubCCxJYmVchLajM1HJV68CcfY5oQ";
const K2 = "AAAAC3NzaC1lZDI1NTE5AAAAIHTZxFL870564ooyTaxHUWXCdcUDWpg1Th+YAX87Lwmp";
const K2_FP = "SHA256:H1jjzFeFOlU/HNnzTxNGOct4V/1cezz5Ock9jzLSJ3s";
const K3 =
  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLA/i6w8nJ7T7fMsEx0Bb6xuomX/FhqVg0u44Kdld2cq/VVQatWilg5e407zZ+pkGf+4wvvj4xgixMWWaOX+MDQ=";
const HASHED = [
  `|1|bPlKjD/lJYpcW5Lvjf/NxeMbhJg=|iS8AJzk3HPwcnvwFYqr9Hs235C4= ssh-ed25519 ${K1}`,
  `|1|zK0RzayPRxxue215MALgQPL3LL8=|dzzEm76aQCOwcAdZ+63KD+Jnozs= ssh-ed25519 ${K2}`,
].join("\n");
const blob = (b64: string) => Buffer.from(b64, "base64");

describe("parseKnownHosts", () => {
  it("reads plain, [host]:port, marker and comment lines and skips malformed ones", () => {
    const text = [
      "# a comment",
      "",
      `node1,198.51.100.1 ssh-ed25519 ${K1} root@node1`,
      `[127.0.0.1]:2222 ssh-ed25519 ${K2}`,
      `@revoked * ecdsa-sha2-nistp256 ${K3}`,
      `@cert-authority *.example.com ssh-ed25519 ${K1}`,
      "garbage",
      `host ssh-ed25519 !!notbase64!!`,
      `host ssh-rsa ${K1}`, // type field does not match the key blob
      `@bogus host ssh-ed25519 ${K1}`,
      `|1|short|hash ssh-ed25519 ${K1}`,
    ].join("\n");
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(entries[0]).toMatchObject({ patterns: ["node1", "198.51.100.1"], keyType: "ssh-ed25519", marker: null });
    expect(entries[0]!.key.equals(blob(K1))).toBe(true);
    expect(entries[1]!.patterns).toEqual(["[127.0.0.1]:2222"]);
    expect(entries[2]!.marker).toBe("revoked");
    expect(entries[3]!.marker).toBe("cert-authority");
  });

  it("reads hashed entries written by ssh-keygen -H", () => {
    const entries = parseKnownHosts(HASHED);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.hashed !== null && e.patterns.length === 0)).toBe(true);
  });

  it("never throws on garbage and returns only well-formed entries", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(`h ssh-ed25519 ${K1}`, "|1|", "@revoked", "[", "*")), { maxLength: 20 }), (parts) => {
        const entries = parseKnownHosts(parts.join("\n"));
        for (const e of entries) expect(e.key.length).toBeGreaterThan(4);
        // verifying against whatever came out must not throw either
        verifyHostKey(entries, "127.0.0.1", 2222, blob(K2));
      }),
      { numRuns: 300 },
    );
  });
});

describe("verifyHostKey", () => {
  const file = "/etc/vip-arp/known_hosts";

  it("accepts a plain entry on port 22 and a [host]:port entry on its port only", () => {
    const e = parseKnownHosts(`node1,198.51.100.1 ssh-ed25519 ${K1}\n[127.0.0.1]:2222 ssh-ed25519 ${K2}`);
    expect(verifyHostKey(e, "198.51.100.1", 22, blob(K1))).toEqual({ ok: true });
    expect(verifyHostKey(e, "NODE1", 22, blob(K1))).toEqual({ ok: true });
    expect(verifyHostKey(e, "127.0.0.1", 2222, blob(K2))).toEqual({ ok: true });
    // a plain pattern does not cover another port, a [host]:port pattern not port 22
    expect(verifyHostKey(e, "198.51.100.1", 2200, blob(K1)).ok).toBe(false);
    expect(verifyHostKey(e, "127.0.0.1", 22, blob(K2)).ok).toBe(false);
  });

  it("matches hashed entries by HMAC-SHA1 of the lookup name", () => {
    const e = parseKnownHosts(HASHED);
    expect(verifyHostKey(e, "node1.example.com", 22, blob(K1))).toEqual({ ok: true });
    expect(verifyHostKey(e, "127.0.0.1", 2222, blob(K2))).toEqual({ ok: true });
    expect(verifyHostKey(e, "127.0.0.1", 2223, blob(K2)).ok).toBe(false);
    expect(verifyHostKey(e, "node2.example.com", 22, blob(K1)).ok).toBe(false);
  });

  it("supports wildcards and negation", () => {
    const e = parseKnownHosts(`*.example.com,!evil.example.com ssh-ed25519 ${K1}`);
    expect(verifyHostKey(e, "node7.example.com", 22, blob(K1)).ok).toBe(true);
    expect(verifyHostKey(e, "evil.example.com", 22, blob(K1)).ok).toBe(false);
  });

  it("refuses an unknown host and says how to add it", () => {
    const r = verifyHostKey(parseKnownHosts(""), "127.0.0.1", 2222, blob(K2), { file });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain("[127.0.0.1]:2222");
    expect(r.reason).toContain(`not in known_hosts ${file}`);
    expect(r.reason).toContain(`ssh-keyscan -p 2222 -t ed25519 127.0.0.1 >> ${file}`);
    expect(r.reason).toContain(K2_FP);
  });

  it("refuses a different key of the same type as a MISMATCH", () => {
    const e = parseKnownHosts(`[127.0.0.1]:2222 ssh-ed25519 ${K1}`);
    const r = verifyHostKey(e, "127.0.0.1", 2222, blob(K2), { file });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain("host key MISMATCH for [127.0.0.1]:2222");
    expect(r.reason).toContain(K2_FP);
    expect(r.reason).toContain(`ssh-keygen -R '[127.0.0.1]:2222' -f ${file}`);
  });

  it("refuses a key of another type as not known, naming the types it has", () => {
    const e = parseKnownHosts(`node1 ecdsa-sha2-nistp256 ${K3}`);
    const r = verifyHostKey(e, "node1", 22, blob(K1), { file });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/not in known_hosts.*only has ecdsa-sha2-nistp256/);
    expect(knownKeyTypes(e, "node1", 22)).toEqual(["ecdsa-sha2-nistp256"]);
  });

  it("refuses a revoked key even when another line lists it as valid", () => {
    const e = parseKnownHosts(`node1 ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}`);
    const r = verifyHostKey(e, "node1", 22, blob(K1), { file });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("@revoked");
    expect(knownKeyTypes(e, "node1", 22)).toEqual(["ssh-ed25519"]);
  });

  it("ignores @cert-authority lines for plain host keys", () => {
    const e = parseKnownHosts(`@cert-authority node1 ssh-ed25519 ${K1}`);
    expect(verifyHostKey(e, "node1", 22, blob(K1)).ok).toBe(false);
  });

  it("computes fingerprints like ssh-keygen -l", () => {
    expect(fingerprint(blob(K1))).toBe(K1_FP);
  });
});

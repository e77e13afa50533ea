// The test certificate maker itself: every certificate it draws must be one OpenSSL takes, or
// the TLS tests fail at random (a serial with a leading zero byte is not DER, and OpenSSL
// refuses it as "illegal padding").
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issue } from "./certs.js";

describe("test certificates", () => {
  it("parse and verify against their CA, draw after draw", () => {
    const ca = issue("test CA", { ca: true });
    const caCert = new X509Certificate(ca.cert);
    expect(caCert.ca).toBe(true);
    // 512 draws: with the old serial a leading zero byte came once in 128 draws (p of none ~ 2%).
    for (let i = 0; i < 512; i++) {
      const leaf = new X509Certificate(issue("localhost", { issuer: ca }).cert);
      expect(leaf.verify(caCert.publicKey)).toBe(true);
      expect(leaf.checkIssued(caCert)).toBe(true);
      expect(leaf.checkHost("localhost")).toBe("localhost");
      expect(leaf.serialNumber).toMatch(/^[4-7][0-9A-F]{15}$/);
    }
  });
});

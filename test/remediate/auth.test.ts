import { describe, expect, it } from "vitest";
import express from "express";
import request from "supertest";
import { bearerAuth, tokenMatches } from "../../src/http/auth.js";
import { silentLogger } from "../../src/log.js";

const TOKEN = "s3cret-token-0123456789";

describe("tokenMatches", () => {
  it("accepts only the exact token", () => {
    expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(tokenMatches("", TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN)).toBe(false);
    expect(tokenMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer ${"x".repeat(4096)}`, TOKEN)).toBe(false);
    expect(tokenMatches("Bearer ", TOKEN)).toBe(false);
  });

  it("trims blanks around the token, however many, and refuses blanks alone", () => {
    const pad = " \t".repeat(8000);
    expect(tokenMatches(`Bearer${pad}${TOKEN}${pad}`, TOKEN)).toBe(true);
    expect(tokenMatches(`Bearer a${pad}b`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer${pad}`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer${TOKEN}`, TOKEN)).toBe(false);
  });
});

describe("bearerAuth middleware", () => {
  const lines: string[] = [];
  function app(token: string | null) {
    const a = express();
    // A logger that records what it would print, to prove the token never appears.
    const log = silentLogger();
    const spy = (obj: unknown, msg?: string) => void lines.push(JSON.stringify(obj) + (msg ?? ""));
    log.warn = spy as never;
    log.info = spy as never;
    a.post("/remediate", bearerAuth(token, log), (_req, res) => void res.json({ through: true }));
    return a;
  }

  it("401 with WWW-Authenticate when the token is missing", async () => {
    const res = await request(app(TOKEN)).post("/remediate");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="vip-arp-exporter"');
    expect(res.body.through).toBeUndefined();
  });

  it("401 on a wrong token of the same length and of a different length", async () => {
    const same = TOKEN.replace(/.$/, "X");
    for (const t of [same, "short", TOKEN + TOKEN]) {
      const res = await request(app(TOKEN)).post("/remediate").set("Authorization", `Bearer ${t}`);
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
    }
  });

  it("passes the right token through", async () => {
    const res = await request(app(TOKEN)).post("/remediate").set("Authorization", `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ through: true });
  });

  it("503 with how to enable it when no token is configured", async () => {
    const res = await request(app(null)).post("/remediate").set("Authorization", `Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/remediation\.token_file/);
    expect(res.body.error).toMatch(/VIP_ARP_REMEDIATE_TOKEN/);
  });

  it("never logs the token or the header", async () => {
    lines.length = 0;
    await request(app(TOKEN)).post("/remediate").set("Authorization", `Bearer ${TOKEN.replace(/.$/, "X")}`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(TOKEN.slice(0, -1));
  });
});

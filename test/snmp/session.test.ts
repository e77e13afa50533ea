// Error messages of the SNMP client: what failed, where, and what to check; never secrets.
import dgram from "node:dgram";
import { once } from "node:events";
import { inspect } from "node:util";
import snmp from "net-snmp";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { startSnmpAgent, type SimSnmpAgent } from "../../src/sim/snmp-agent.js";
import { createSnmpClient, describeSnmpError, formatTarget } from "../../src/sources/snmp/session.js";
import { isAgentRefusal } from "../../src/sources/snmp/discovery.js";
import { IP_NET_TO_MEDIA_ENTRY } from "../../src/sources/snmp/oids.js";
import { COMMUNITY, ROUTER, V3_USER, exampleSegment, snmpConfig } from "./helpers.js";

describe("describeSnmpError", () => {
  it("names the target, the total wait and what to check on a v2c timeout", () => {
    const err = describeSnmpError(new snmp.RequestTimedOutError("Request timed out"), snmpConfig(1161, { timeoutMs: 500, retries: 2 }), "GET");
    expect(err.message).toBe("SNMP request to 127.0.0.1:1161 timed out after 1500ms: check address, community and ACL");
  });

  it("points at the v3 user and keys on a v3 timeout", () => {
    const cfg = snmpConfig(161, { host: "2001:db8::1", version: 3, v3: V3_USER });
    const err = describeSnmpError(new snmp.RequestTimedOutError("Request timed out"), cfg, "GET");
    expect(err.message).toBe(
      "SNMP request to [2001:db8::1]:161 timed out after 400ms: check address, SNMPv3 user, auth/priv keys and ACL",
    );
  });

  it("keeps agent refusals recognisable and drops the user (keys) net-snmp attaches to errors", () => {
    const refused = describeSnmpError(new snmp.RequestFailedError("NoAccess: 1.3.6.1.2.1.4.20.1.2"), snmpConfig(161), "GETBULK");
    expect(refused.message).toBe("SNMP agent 127.0.0.1:161 refused the GETBULK request: NoAccess: 1.3.6.1.2.1.4.20.1.2");
    expect(isAgentRefusal(refused)).toBe(true);

    const leaky = Object.assign(new snmp.ResponseInvalidError("Authentication digest mismatch"), {
      code: snmp.ResponseInvalidCode.EAuthFailure,
      info: { user: { name: "exporter", authKey: V3_USER.authKey, privKey: V3_USER.privKey } },
    });
    leaky.name = "ResponseInvalidError";
    const err = describeSnmpError(leaky, snmpConfig(161, { version: 3, v3: V3_USER }), "GET");
    expect(err.message).toMatch(/^SNMPv3 authentication with 127\.0\.0\.1:161 failed .*check user name/);
    const dump = inspect(err, { depth: 10 });
    expect(dump).not.toContain(V3_USER.authKey!);
    expect(dump).not.toContain(V3_USER.privKey!);
    expect(isAgentRefusal(err)).toBe(false);
  });

  it("never quotes the community of a community mismatch, nor the digest of an SNMPv3 auth failure", () => {
    // net-snmp's own texts for these two errors
    const mismatch = Object.assign(
      new snmp.ResponseInvalidError(`Community '${COMMUNITY}' in request does not match community 'other' in response`),
      { code: snmp.ResponseInvalidCode.ECommunityNoMatch },
    );
    mismatch.name = "ResponseInvalidError";
    const err = describeSnmpError(mismatch, snmpConfig(161), "GET");
    expect(err.message).toMatch(/^SNMP GET response from 127\.0\.0\.1:161 rejected: .*another community/);
    expect(inspect(err, { depth: 10 })).not.toContain(COMMUNITY);

    const digest = Object.assign(
      new snmp.ResponseInvalidError("Authentication digest 00aa received in message does not match digest 5eed5eed calculated for message"),
      { code: snmp.ResponseInvalidCode.EAuthFailure },
    );
    digest.name = "ResponseInvalidError";
    expect(inspect(describeSnmpError(digest, snmpConfig(161, { version: 3, v3: V3_USER }), "GET"), { depth: 10 })).not.toContain("5eed5eed");
  });

  it("scrubs configured secrets from any other error text", () => {
    const err = describeSnmpError(new Error(`odd failure mentioning ${COMMUNITY} and ${V3_USER.privKey}`), snmpConfig(161, { v3: V3_USER }), "GET");
    expect(err.message).toBe("SNMP GET request to 127.0.0.1:161 failed: odd failure mentioning <secret> and <secret>");
    expect(inspect(err, { depth: 10 })).not.toMatch(new RegExp(`${COMMUNITY}|${V3_USER.privKey}`));
  });

  it("formats IPv6 targets with brackets", () => {
    expect(formatTarget("::1", 161)).toBe("[::1]:161");
    expect(formatTarget("router.example", 1161)).toBe("router.example:1161");
  });
});

describe("an agent behind a relay that rewrites the community (real UDP)", () => {
  let agent: SimSnmpAgent | null = null;
  let relay: dgram.Socket | null = null;
  afterEach(async () => {
    relay?.close();
    relay = null;
    await agent?.close();
    agent = null;
  });

  it("the client's error names the problem but not the community", async () => {
    const AGENT_COMMUNITY = "public123"; // as long as COMMUNITY: the relay swaps bytes in place
    expect(AGENT_COMMUNITY).toHaveLength(COMMUNITY.length);
    const seg = exampleSegment();
    seg.router(ROUTER).community = AGENT_COMMUNITY;
    agent = await startSnmpAgent(seg, ROUTER);
    const agentPort = agent.port;
    const r = dgram.createSocket("udp4");
    relay = r;
    let client: { address: string; port: number } | null = null;
    r.on("message", (msg, from) => {
      if (from.port === agentPort) {
        if (client) r.send(msg, client.port, client.address); // the answer carries the agent's community
        return;
      }
      client = { address: from.address, port: from.port };
      const i = msg.indexOf(COMMUNITY);
      if (i >= 0) msg.write(AGENT_COMMUNITY, i, "latin1");
      r.send(msg, agentPort, "127.0.0.1");
    });
    r.bind(0, "127.0.0.1");
    await once(r, "listening");

    const c = createSnmpClient(snmpConfig(r.address().port), silentLogger());
    try {
      const err = await c.getNext([IP_NET_TO_MEDIA_ENTRY]).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toMatch(/another community/);
      expect(inspect(err, { depth: 10 })).not.toContain(COMMUNITY);
    } finally {
      await c.close();
    }
  });
});

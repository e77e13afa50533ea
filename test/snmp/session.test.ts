// Error messages of the SNMP client: what failed, where, and what to check; never secrets.
import { inspect } from "node:util";
import snmp from "net-snmp";
import { describe, expect, it } from "vitest";
import { describeSnmpError, formatTarget } from "../../src/sources/snmp/session.js";
import { isAgentRefusal } from "../../src/sources/snmp/discovery.js";
import { V3_USER, snmpConfig } from "./helpers.js";

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

  it("formats IPv6 targets with brackets", () => {
    expect(formatTarget("::1", 161)).toBe("[::1]:161");
    expect(formatTarget("router.example", 1161)).toBe("router.example:1161");
  });
});

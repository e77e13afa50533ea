// The DNS source against real name servers on 127.0.0.1: Debian's dnsmasq serving records this
// test writes, the simulated segment's name server (dns2) for SERVFAIL, a socket that never
// answers, and a port where nothing listens. Each failure keeps its own kind and message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import dns2 from "dns2";
import { DnsLookupError, combineFamilies, lookupName } from "../../src/sources/dns.js";
import { IN_CI } from "../deploy/tools.js";
import { DNSMASQ_MISSING, ZONE, closedUdpPort, startDnsmasq, startSilentServer, type Dnsmasq } from "./servers.js";

const APP = `app.${ZONE}`;
const at = (port: number) => ({ server: { host: "127.0.0.1", port }, timeoutMs: 2000 });

async function failure(p: Promise<unknown>): Promise<DnsLookupError> {
  const err = await p.then(
    (v) => new Error(`resolved to ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DnsLookupError);
  return err as DnsLookupError;
}

describe("DNS source with dnsmasq", () => {
  if (DNSMASQ_MISSING && IN_CI) {
    it("dnsmasq is installed (required when CI=true)", () => {
      expect.fail(`${DNSMASQ_MISSING}: .ci/run must install dnsmasq-base`);
    });
  }

  describe.skipIf(DNSMASQ_MISSING !== null)("real dnsmasq on 127.0.0.1", () => {
    let dm: Dnsmasq;
    beforeAll(async () => {
      dm = await startDnsmasq({
        hosts: [
          `198.51.100.102 ${APP}`,
          `198.51.100.101 ${APP}`,
          `198.51.100.103 ${APP}`,
          // not in RFC 5952 form: the source normalises
          `2001:DB8:0:0:1:0:0:102 ${APP}`,
          `2001:db8::101 ${APP}`,
          `198.51.100.104 v4only.${ZONE}`,
        ],
        txtOnly: [`nodata.${ZONE}`],
      });
    });
    afterAll(async () => {
      await dm?.stop();
    });

    it("returns every A and AAAA record of a name, normalised and sorted", async () => {
      const answer = await lookupName(APP, at(dm.port));
      expect(answer).toEqual({
        name: APP,
        addresses: ["198.51.100.101", "198.51.100.102", "198.51.100.103", "2001:db8::101", "2001:db8::1:0:0:102"],
      });
      // Both families were asked, in one lookup (dnsmasq writes its log line a moment later).
      for (let i = 0; i < 200 && !dm.log().includes(`query[AAAA] ${APP} from 127.0.0.1`); i++) await new Promise((r) => setTimeout(r, 10));
      expect(dm.log()).toContain(`query[A] ${APP} from 127.0.0.1`);
      expect(dm.log()).toContain(`query[AAAA] ${APP} from 127.0.0.1`);
    });

    it("accepts a name with A records only (AAAA is NODATA), and a trailing dot or upper case", async () => {
      expect((await lookupName(`v4only.${ZONE}`, at(dm.port))).addresses).toEqual(["198.51.100.104"]);
      expect((await lookupName(`V4ONLY.${ZONE}.`, at(dm.port))).addresses).toEqual(["198.51.100.104"]);
    });

    it("fails a name that does not exist with NXDOMAIN", async () => {
      const err = await failure(lookupName(`nope.${ZONE}`, at(dm.port)));
      expect(err.failure).toBe("nxdomain");
      expect(err.message).toBe(`the name does not exist (NXDOMAIN) at 127.0.0.1:${dm.port}; check the name in dns.names and the zone`);
    });

    it("fails a name that exists without addresses with NODATA, not as publishing nothing", async () => {
      const err = await failure(lookupName(`nodata.${ZONE}`, at(dm.port)));
      expect(err.failure).toBe("nodata");
      expect(err.message).toBe(
        `the name has no A or AAAA records (NODATA) at 127.0.0.1:${dm.port}; add the VIPs' records to the zone, or remove the name from dns.names`,
      );
    });

    it("fails a name the server will not resolve with REFUSED", async () => {
      // dnsmasq has no upstream (--no-resolv) for names outside its zone.
      const err = await failure(lookupName("app.example.org", at(dm.port)));
      expect(err.failure).toBe("refused");
      expect(err.message).toBe(
        `127.0.0.1:${dm.port} refused to resolve the name (REFUSED); allow the exporter to query it, or set dns.server to a server of the zone`,
      );
    });
  });
});

describe("DNS source against servers that fail", () => {
  it("fails with SERVFAIL when the server says so", async () => {
    const server = dns2.createUDPServer((req, send) => {
      const res = dns2.Packet.createResponseFromRequest(req);
      res.header.rcode = 2; // SERVFAIL
      void send(res);
    });
    await server.listen(0, "127.0.0.1");
    try {
      const err = await failure(lookupName(APP, at(server.address().port)));
      expect(err.failure).toBe("servfail");
      expect(err.message).toBe(
        `127.0.0.1:${server.address().port} failed to resolve the name (SERVFAIL); check the name server's log and the zone it serves`,
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("gives up on a server that never answers at its timeout, with a timeout message", async () => {
    const silent = await startSilentServer();
    try {
      const err = await failure(lookupName(APP, { server: { host: "127.0.0.1", port: silent.port }, timeoutMs: 300 }));
      expect(err.failure).toBe("timeout");
      expect(err.message).toBe(
        `127.0.0.1:${silent.port} did not answer for the name within 300 ms; check that it is reachable from the exporter over UDP, or raise dns.timeout`,
      );
      // It was asked (A and AAAA), it just never answered.
      expect(silent.received()).toBeGreaterThanOrEqual(2);
    } finally {
      await silent.close();
    }
  }, 5000);

  it("fails at once when nothing listens at the server's port", async () => {
    const port = await closedUdpPort();
    const err = await failure(lookupName(APP, at(port)));
    expect(err.failure).toBe("unreachable");
    expect(err.message).toBe(`nothing answers DNS at 127.0.0.1:${port} (connection refused); check dns.server`);
  });
});

describe("combineFamilies", () => {
  const AT = "192.0.2.53:53";
  it("joins both families and keeps NODATA of one family as no records", () => {
    expect(combineFamilies({ addresses: ["198.51.100.2", "198.51.100.1"] }, { code: "ENODATA" }, AT, 2000)).toEqual([
      "198.51.100.1",
      "198.51.100.2",
    ]);
    expect(combineFamilies({ code: "ENODATA" }, { addresses: ["2001:DB8::0:1"] }, AT, 2000)).toEqual(["2001:db8::1"]);
  });

  it("names the family that failed while the other answered", () => {
    const err = combineFamilies({ addresses: ["198.51.100.1"] }, { code: "ETIMEOUT" }, AT, 2000) as DnsLookupError;
    expect(err.failure).toBe("timeout");
    expect(err.message).toBe(`${AT} did not answer for its AAAA records within 2000 ms; check that it is reachable from the exporter over UDP, or raise dns.timeout`);
    const a = combineFamilies({ code: "ESERVFAIL" }, { code: "ENODATA" }, AT, 2000) as DnsLookupError;
    expect(a.message).toBe(`${AT} failed to resolve its A records (SERVFAIL); check the name server's log and the zone it serves`);
  });

  it("reports a timeout of both families as one, whether c-ares timed out or the deadline cancelled", () => {
    const err = combineFamilies({ code: "ETIMEOUT" }, { code: "ECANCELLED" }, AT, 300) as DnsLookupError;
    expect(err.failure).toBe("timeout");
    expect(err.message).toBe(`${AT} did not answer for the name within 300 ms; check that it is reachable from the exporter over UDP, or raise dns.timeout`);
  });

  it("keeps an unknown resolver code in the message", () => {
    const err = combineFamilies({ code: "EBADRESP" }, { code: "EBADRESP" }, AT, 2000) as DnsLookupError;
    expect(err.failure).toBe("error");
    expect(err.message).toBe(`resolving the name at ${AT} failed with EBADRESP; check dns.server and the exporter's network`);
  });

  it("fails both NODATA as NODATA", () => {
    const err = combineFamilies({ code: "ENODATA" }, { code: "ENODATA" }, AT, 2000) as DnsLookupError;
    expect(err.failure).toBe("nodata");
  });
});

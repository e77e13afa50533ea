// The simulated segment's name server: answers A and AAAA queries for the scenario's
// dns.names over UDP on 127.0.0.1 only, with dns2's server and packet code (no wire format of
// our own). A name it does not know is NXDOMAIN; a known name without records of the asked
// type is NODATA (NOERROR, no answer), as an authoritative server answers.
import dns2 from "dns2";
import { canonicalDnsName, ipv6Groups, isIpv4 } from "../model/net.js";

const { Packet } = dns2;
// RFC 1035 4.1.1 (dns2's types do not declare its RCODE table).
const NXDOMAIN = 3;
const TTL = 30;

export interface SimDnsServer {
  port: number;
  /** The live records, name (canonical) -> addresses; a test may change them between rounds. */
  records: Map<string, string[]>;
  /** Queries answered so far. */
  queries(): number;
  close(): Promise<void>;
}

/** The answers to one question: null for a name the server does not know (NXDOMAIN). */
export function answersFor(records: Map<string, string[]>, name: string, type: number): string[] | null {
  const addresses = records.get(canonicalDnsName(name));
  if (addresses === undefined) return null;
  if (type === Packet.TYPE.A) return addresses.filter(isIpv4);
  if (type === Packet.TYPE.AAAA) return addresses.filter((a) => !isIpv4(a));
  return [];
}

// dns2 encodes AAAA from hex groups only: "::ffff:192.0.2.1" would come out wrong.
const aaaaText = (address: string): string => (ipv6Groups(address) ?? []).map((g) => g.toString(16)).join(":");

export async function startDnsServer(names: Record<string, string[]>): Promise<SimDnsServer> {
  const records = new Map(Object.entries(names).map(([n, a]) => [canonicalDnsName(n), [...a]]));
  let queries = 0;
  const server = dns2.createUDPServer((request, send) => {
    queries++;
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    const q = request.questions[0];
    const answers = q ? answersFor(records, q.name, q.type) : null;
    if (!q || answers === null) response.header.rcode = NXDOMAIN;
    const aaaa = q?.type === Packet.TYPE.AAAA;
    for (const address of answers ?? []) {
      response.answers.push(
        Packet.createResourceFromQuestion(q!, { ttl: TTL, class: Packet.CLASS.IN, address: aaaa ? aaaaText(address) : address }),
      );
    }
    // A client that went away is no error of the segment's.
    send(response).catch(() => undefined);
  });
  // Malformed datagrams are dropped, as a name server would.
  server.on("requestError", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    void server.listen(0, "127.0.0.1").then(() => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: server.address().port,
    records,
    queries: () => queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

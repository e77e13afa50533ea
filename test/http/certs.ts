// Test certificates made in-process (no openssl CLI): a minimal DER encoder for X.509 v3
// with ECDSA P-256 keys. A CA, and leaves it signs for 127.0.0.1/localhost.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

const len = (n: number): Buffer =>
  n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
const tlv = (tag: number, ...body: Buffer[]): Buffer => {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from([tag]), len(b.length), b]);
};
const seq = (...b: Buffer[]) => tlv(0x30, ...b);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split(".").map(Number) as [number, number, ...number[]];
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const utcTime = (d: Date) => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const name = (cn: string) => seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn)))));
const ext = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

export interface Issued {
  cert: string;
  key: string;
  keyObject: KeyObject;
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** A certificate for `cn`, signed by `issuer` (self-signed when absent). CA certificates can sign others. */
export function issue(cn: string, opts: { issuer?: Issued & { cn: string }; ca?: boolean } = {}): Issued & { cn: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  // DER wants the shortest encoding of a positive INTEGER: a first byte of 0x00 (a random one
  // in 128) is "illegal padding" to OpenSSL, which then rejects the certificate or ignores the CA.
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const now = Date.now();
  const extensions = opts.ca
    ? [ext("2.5.29.19", true, seq(tlv(0x01, Buffer.from([0xff])))), ext("2.5.29.15", true, tlv(0x03, Buffer.from([0x01, 0x06])))]
    : [
        ext("2.5.29.19", true, seq()),
        ext("2.5.29.15", true, tlv(0x03, Buffer.from([0x07, 0x80]))),
        ext("2.5.29.17", false, seq(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from("localhost")))),
      ];
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ECDSA_SHA256,
    name(opts.issuer?.cn ?? cn),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    name(cn),
    publicKey.export({ type: "spki", format: "der" }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign("sha256", tbs, opts.issuer?.keyObject ?? privateKey);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
  return { cn, cert: pem(der), key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), keyObject: privateKey };
}

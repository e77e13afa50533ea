// "host", "host:port", "[v6]:port" -> host and port.
import { isIP } from "node:net";

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export type HostPort = { host: string; port: number };

/** Parses an address; returns an error message instead of throwing. */
export function parseHostPort(text: string, defaultPort: number): HostPort | string {
  let host = text;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(text) !== 6) {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    } else if (text.includes(":")) {
      return `"${text}" is not host or host:port`;
    }
  }
  if (!isIP(host) && !HOSTNAME.test(host)) return `"${host}" is not an IP address or host name`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} is out of range 1-65535`;
  return { host, port };
}

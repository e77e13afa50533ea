// --web.listen-address: ":9797", "0.0.0.0:9797", "127.0.0.1:9797", "[::1]:9797".
export function parseListenAddress(text: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`--web.listen-address "${text}" must be [HOST]:PORT, e.g. :9797 or 127.0.0.1:9797`);
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port };
}

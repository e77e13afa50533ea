// Basic auth guards every route except POST /remediate, which keeps its own bearer token:
// Alertmanager's webhook sends that token in the Authorization header, the same header basic
// auth needs, so a request cannot carry both. Matched like express routes it (case-insensitive,
// optional trailing slash); anything else with that path still needs basic auth.
import type { IncomingMessage } from "node:http";

export function isRemediateRequest(req: IncomingMessage): boolean {
  return req.method === "POST" && /^\/remediate\/?$/i.test((req.url ?? "").split("?")[0]!);
}

import { Resolver } from "node:dns/promises";
const r = new Resolver({ timeout: 3000, tries: 1 });
r.setServers(["127.0.0.1:15353"]);
const t = Date.now();
try { console.log(await r.resolve4("x.broken.example.org")); } catch (e) { console.log(e.code, e.message, Date.now() - t); }

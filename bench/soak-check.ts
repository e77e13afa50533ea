// Runs a soak (bench/lib/soak.ts) in a process of its own and prints its result as JSON: the
// short CI check (test/soak/soak.test.ts) counts fds and sockets in a process where nothing
// else (a test runner's own channels) opens or closes any.
//   node dist/bench/soak-check.js SCRAPES REMEDIATIONS
import { runSoak } from "./lib/soak.js";

const [scrapes, remediations] = process.argv.slice(2).map(Number);
if (!Number.isInteger(scrapes) || !Number.isInteger(remediations) || scrapes! < 1 || scrapes! > 100_000 || remediations! < 0 || remediations! > scrapes!) {
  process.stderr.write("usage: node dist/bench/soak-check.js SCRAPES REMEDIATIONS (1..100000 scrapes, at most one remediation per scrape)\n");
  process.exit(2);
}
const result = await runSoak({ scrapes: scrapes!, remediations: remediations! });
process.stdout.write(JSON.stringify(result) + "\n");
// SSH keepalives and SNMP sockets are closed by now; exit explicitly all the same.
process.exit(0);

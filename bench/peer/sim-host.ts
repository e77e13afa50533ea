// Child process of the memory bench: the simulated routers and nodes of a NODES x VIPS segment
// (src/sim/) on 127.0.0.1, and an exporter config file pointing at them, so the exporter
// measured runs in a process of its own. Prints "ready CONFIG" once listening; exits on SIGTERM
// or once the process that started it is gone.
//   node dist/bench/peer/sim-host.js NODES VIPS DIR
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { startSimulation } from "../../src/sim/start.js";
import { memoryScenario } from "./memory-scenario.js";

async function main(): Promise<void> {
  const [nodes, vips, dir] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  if (!Number.isInteger(nodes) || !Number.isInteger(vips) || !dir) throw new Error("usage: sim-host.js NODES VIPS DIR");
  const sim = await startSimulation(memoryScenario(nodes, vips), { source: "<peer bench>" });
  const c = sim.config;
  const key = join(dir, "sim_key");
  const known = join(dir, "sim_known_hosts");
  writeFileSync(key, c.ssh!.privateKey, { mode: 0o600 });
  writeFileSync(known, c.ssh!.knownHosts, { mode: 0o600 });
  const configFile = join(dir, "sim-config.yml");
  const doc = {
    vips: c.vips,
    nodes: c.nodes.map((n) => ({ name: n.name, address: `${n.host}:${n.port}`, interface: n.interface })),
    routers: c.routers.map((r) => (r.type === "snmp" ? { name: r.name, type: "snmp", address: `${r.host}:${r.port}`, community: r.community, timeout: "10s" } : null)),
    ssh: { user: c.ssh!.user, private_key_file: key, known_hosts_file: known, timeout: "20s" },
    scrape_timeout: "120s",
  };
  writeFileSync(configFile, stringify(doc), { mode: 0o600 });
  const stop = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  // Bounded life: once the bench that started it is gone (re-parented), stop.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 1_000).unref();
  // The simulated nodes log each command (for tests): keep that log from growing here.
  setInterval(() => {
    for (const n of Object.values(sim.nodes)) n.commands.length = 0;
  }, 1_000).unref();
  console.log(`ready ${configFile}`);
}

main().catch((err: unknown) => {
  console.error(`sim-host failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});

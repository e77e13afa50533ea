// Peer bench 2: one node read (src/sources/node-inventory.ts: `ip -j addr show dev eth0` over
// the exporter's SSH connection) against the lab's OpenSSH, for users whose login shell reads
// a plain and a heavy ~/.bashrc (lab/users.ts), and for root with this machine's own profile.
// OpenSSH runs every command through the user's shell, so the profile is paid per exec.
import { join } from "node:path";
import type { Lab } from "../../lab/lab.js";
import { loadConfigFile } from "../../src/config/load.js";
import { silentLogger } from "../../src/log.js";
import { createSshNodeSource } from "../../src/sources/node-inventory.js";
import { spread, timed } from "./measure.js";
import type { NodeReadResult } from "./results.js";

export interface NodeReadOptions {
  users: readonly { name: string; profile: string }[];
  runs: number;
  log: (line: string) => void;
}

export async function benchNodeReads(lab: Lab, opts: NodeReadOptions): Promise<NodeReadResult[]> {
  const out: NodeReadResult[] = [];
  const log = silentLogger();
  for (const user of opts.users) {
    const file = join(lab.dir, `bench-user-${user.name}.yml`);
    lab.writeExporterConfig(file, { sshUser: user.name });
    const config = loadConfigFile(file, {});
    const node = config.nodes[0]!;
    const ssh = config.ssh!;
    const expectAddresses = (addresses: readonly string[]) => {
      const missing = lab.vips.filter((v) => !addresses.includes(v));
      if (missing.length) throw new Error(`node read as ${user.name} found no ${missing.join(", ")} on ${node.name}`);
    };

    const connect: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const source = createSshNodeSource(node, ssh, log);
      try {
        const t = await timed(() => source.read());
        expectAddresses(t.value.addresses);
        connect.push(t.ms);
      } finally {
        await source.close();
      }
    }

    const source = createSshNodeSource(node, ssh, log);
    const steady: number[] = [];
    let marker = "";
    try {
      await source.read();
      // The profile must have run, or the numbers compare nothing.
      const env = await source.runner!.exec("printenv VAE_PROFILE || true", { timeoutMs: 10_000 });
      marker = env.stdout.trim();
      if (user.profile !== "machine" && marker !== user.profile) {
        throw new Error(`user ${user.name}: the shell did not read the ${user.profile} ~/.bashrc (VAE_PROFILE=${JSON.stringify(marker)})`);
      }
      for (let i = 0; i < opts.runs; i++) {
        const t = await timed(() => source.read());
        expectAddresses(t.value.addresses);
        steady.push(t.ms);
      }
    } finally {
      await source.close();
    }
    out.push({ user: user.name, profile: user.profile, connectAndRead: spread(connect), read: spread(steady) });
    opts.log(`node read as ${user.name} (${user.profile}): ${spread(steady).median.toFixed(1)} ms on an open connection, ${spread(connect).median.toFixed(1)} ms with connect`);
  }
  return out;
}

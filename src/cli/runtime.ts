// Resolves what a command runs against: a config file, a scenario file, or the built-in demo.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile, TOKEN_ENV } from "../config/load.js";
import type { Config } from "../config/types.js";
import { defaultScenario, loadScenarioFile } from "../sim/scenario.js";
import { startSimulation, type Simulation } from "../sim/start.js";

export class UsageError extends Error {}

export interface Runtime {
  config: Config;
  sim: Simulation | null;
  /** Where the demo wrote its token (simulations only). */
  tokenFile: string | null;
  banner: string | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  configFile?: string;
  scenario?: string;
  env?: NodeJS.ProcessEnv;
}

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const env = opts.env ?? process.env;
  if (opts.configFile && opts.scenario) {
    throw new UsageError("--config.file and --sim.scenario exclude each other: use one");
  }
  if (opts.configFile) {
    const config = loadConfigFile(opts.configFile, env);
    return { config, sim: null, tokenFile: null, banner: null, close: async () => {} };
  }
  const scenario = opts.scenario ? loadScenarioFile(opts.scenario) : defaultScenario();
  // Simulations turn remediation on: with the operator's token when set, else a fresh one.
  const fromEnv = env[TOKEN_ENV]?.trim();
  const token = fromEnv || randomBytes(16).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "vip-arp-exporter-sim-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // The token file lives as long as the simulation: no stale secrets pile up in /tmp.
  const removeTokenDir = () => rmSync(dir, { recursive: true, force: true });
  let sim: Simulation;
  try {
    sim = await startSimulation(scenario, {
      source: opts.scenario ? `<scenario ${opts.scenario}>` : "<demo: built-in simulated segment>",
      remediation: { token, tokenSource: fromEnv ? "env" : "demo" },
    });
  } catch (err) {
    removeTokenDir();
    throw err;
  }
  const banner = opts.scenario
    ? `SIMULATION: running on the simulated segment of scenario ${opts.scenario}, not on a real network`
    : "DEMO MODE: no --config.file given, running on the built-in simulated segment (3 nodes; the router sends node 2 no VIP), not on a real network";
  const close = async () => {
    await sim.stop();
    removeTokenDir();
  };
  return { config: sim.config, sim, tokenFile, banner, close };
}

// Labs left by a test run that died before its afterAll (worker killed, machine overloaded):
// their namespaces and host leg would keep the subnet taken, so every later run would wait
// for it and fail. A lab whose recorded owner process is gone is removed here.
import { downLabAt } from "./lab.js";
import { isAlive } from "./procs.js";
import { loadState, registeredLabs } from "./state.js";

/** Tears down every registered lab whose owner process is gone; returns their prefixes. */
export async function reapAbandonedLabs(): Promise<string[]> {
  const reaped: string[] = [];
  for (const { prefix, dir } of registeredLabs()) {
    let owner;
    try {
      owner = loadState(dir)?.owner;
    } catch {
      continue; // unreadable state: `npm run lab -- down --all` reports it to a person
    }
    if (!owner || isAlive(owner)) continue;
    await downLabAt(dir);
    reaped.push(prefix);
  }
  return reaped;
}

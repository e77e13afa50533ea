// Fixture loading shared by the router CLI tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../fixtures/router-cli/", import.meta.url));

export function fixture(name: string): string {
  return readFileSync(DIR + name, "utf8");
}

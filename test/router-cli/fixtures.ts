// Fixture loading shared by the router CLI tests. A fixture may open with "#|" lines that
// say where its format comes from; they are not device output and are stripped here.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../fixtures/router-cli/", import.meta.url));

export function fixture(name: string): string {
  const text = readFileSync(DIR + name, "utf8");
  return text.replace(/^(#\|[^\n]*\n)+/, "");
}

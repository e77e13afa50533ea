// 5. Router CLI parsers: a synthetic 10k-row ARP table in each platform's format. Pure CPU.
import { PLATFORMS } from "../src/sources/router-cli/index.js";
import type { CliParser } from "../src/sources/router-cli/index.js";
import type { BenchContext } from "./context.js";
import { measure, summarize, timingRow, type Row, type Table } from "./lib/stats.js";
import { syntheticCliOutput, type CliFormat } from "./lib/synthetic.js";

const CASES: { format: CliFormat; parser: CliParser; command: string }[] = [
  { format: "cisco-ios", parser: PLATFORMS["cisco-ios"].parse, command: PLATFORMS["cisco-ios"].command },
  { format: "arista-eos", parser: PLATFORMS["arista-eos"].parse, command: PLATFORMS["arista-eos"].command },
  { format: "cisco-nxos", parser: PLATFORMS["cisco-nxos"].parse, command: PLATFORMS["cisco-nxos"].command },
  { format: "junos", parser: PLATFORMS.junos.parse, command: PLATFORMS.junos.command },
  { format: "linux-json", parser: PLATFORMS.linux.parse, command: PLATFORMS.linux.command },
  { format: "linux-text", parser: PLATFORMS.linux.parse, command: "ip neigh (text fallback)" },
];

export async function benchCliParsers(ctx: BenchContext): Promise<Table> {
  const rowsPerTable = 10_000;
  const rows: Row[] = [];
  for (const c of CASES) {
    const out = syntheticCliOutput(c.format, rowsPerTable);
    // Numbers from a parser that rejects the input would be meaningless: check first.
    const result = c.parser(out.text);
    if (result.errors.length > 0 || result.entries.length !== out.expectedEntries) {
      throw new Error(
        `${c.format}: parsed ${result.entries.length} entries (expected ${out.expectedEntries}) with ${result.errors.length} errors; first: ${JSON.stringify(result.errors[0])}`,
      );
    }
    const times = await measure(() => c.parser(out.text), { iterations: ctx.quick ? 10 : 60, budgetMs: ctx.quick ? 500 : 2_500, warmup: 2 });
    const p50s = summarize(times).p50 / 1000;
    const bytes = Buffer.byteLength(out.text);
    rows.push(
      timingRow(`${c.format} (${c.command})`, times, {
        "rows/s (p50)": Math.round(rowsPerTable / p50s).toLocaleString("en-US"),
        "MB/s (p50)": (bytes / 1024 / 1024 / p50s).toFixed(1),
        "input KB": (bytes / 1024).toFixed(0),
        entries: result.entries.length,
      }),
    );
  }
  return {
    title: "5. Router CLI parsers, 10k-row ARP table",
    note: "One op = parsing the whole output (10,000 rows: 97% dynamic, 2% static, 1% incomplete). Every parse is checked for zero errors and the expected entry count first.",
    rows,
  };
}

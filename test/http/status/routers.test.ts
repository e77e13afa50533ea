import { describe, expect, it } from "vitest";
import { formatCheckTable } from "../../../src/cli/check-report.js";
import type { Config } from "../../../src/config/types.js";
import { MAC1, MAC2, MAC3, N1, N2, N3, V1, V2, V3, VIPS, designExample, node, router } from "../../model/fixtures.js";
import { collectionOf, page, view } from "./fixtures.js";
import { hasClass, one, rows, select, textOf } from "./parse-html.js";

const demo = () => page(view(collectionOf(designExample())));

describe("status page: per-router tables", () => {
  it("lists the node that gets nothing as a zero row, highlighted and linked to its problem", () => {
    const root = demo();
    const table = one(root, "table.counts");
    expect(rows(table)).toEqual([
      [N1, "1", "ok", V1],
      [N2, "0", "problem #1", "none"],
      [N3, "2", "ok", `${V2}, ${V3}`],
    ]);
    const zero = select(table, `tr[data-node=${N2}]`)[0]!;
    expect(hasClass(zero, "zero")).toBe(true);
    expect(hasClass(zero, "problem")).toBe(true);
    expect(select(table, "tr.problem")).toHaveLength(1);
    // The link goes to the problem that says what to do about it.
    expect(one(zero, "a").attrs.href).toBe("#problem-1");
    const target = one(root, "li[id=problem-1]");
    expect(target.attrs["data-kind"]).toBe("node-owns-no-vips");
  });

  it("does not flag a zero row the model does not call a problem (a node holding no VIP)", () => {
    const obs = designExample();
    obs.nodes[1] = node(N2, MAC2, []);
    const table = one(page(view(collectionOf(obs))), "table.counts");
    const zero = select(table, `tr[data-node=${N2}]`)[0]!;
    expect(hasClass(zero, "zero")).toBe(true);
    expect(hasClass(zero, "problem")).toBe(false);
    expect(rows(table)[1]).toEqual([N2, "0", "ok", "none"]);
  });

  it("shows the VIP -> MAC -> node table with its problem rows", () => {
    const obs = designExample();
    obs.routers = [router("core-s1", { [V1]: MAC1, [V2]: "02:00:00:00:00:99!" })];
    obs.nodes[0] = node(N1, MAC1, [V2, V3]);
    const c = collectionOf(obs);
    expect(c.analysis.anomalies.map((a) => `${a.kind} ${a.vip ?? ""}`)).toEqual([
      `blackholed ${V1}`,
      `unknown-mac ${V2}`,
      `static-entry ${V2}`,
      `missing-entry ${V3}`,
      "imbalanced ",
    ]);
    const root = page(view(c));
    const table = one(root, "table.vips");
    const r = rows(table);
    expect(r.map((x) => x.slice(0, 4))).toEqual([
      [V1, MAC1, N1, "NO"],
      [V2, "02:00:00:00:00:99 (static)", "unknown MAC", "NO"],
      [V3, "no entry", "-", "-"],
    ]);
    expect(select(table, "tr.problem").map((tr) => tr.attrs["data-vip"])).toEqual([V1, V2, V3]);
    // The counts table has one row per unknown MAC and one for VIPs without an entry.
    const counts = rows(one(root, "table.counts"));
    expect(counts.slice(3)).toEqual([
      ["unknown MAC 02:00:00:00:00:99", "1", "problem #2 #3", V2],
      ["no ARP entry", "1", "problem #4", V3],
    ]);
  });

  it("says a router could not be read, with its error", () => {
    const obs = designExample();
    obs.routers.push(router("edge-2", null, "timeout after 5000 ms"));
    const root = page(view(collectionOf(obs)));
    const edge = one(root, "section[data-router=edge-2]");
    expect(select(edge, "table.counts")).toHaveLength(0);
    expect(rows(one(edge, "table.unreachable"))).toEqual([["could not be read: timeout after 5000 ms", "problem #1"]]);
  });

  it("lists the problems in the very words `check` prints", () => {
    const obs = designExample();
    obs.nodes[0] = node(N1, MAC1, VIPS, false);
    obs.routers.push(router("edge-2", { [V1]: MAC3, [V2]: MAC3, [V3]: MAC3 }));
    const c = collectionOf(obs);
    const config = { routers: [] } as unknown as Config;
    const check = formatCheckTable(c, config).split("\n");
    const printed = check.slice(check.indexOf("Problems:") + 1).map((l) => l.replace(/^ {2}- /, ""));
    const listed = select(page(view(c)), "li.problem").map((li) => textOf(one(li, "span.message")));
    expect(listed.length).toBeGreaterThan(3);
    expect(listed).toEqual(printed);
    expect(listed).toEqual(c.analysis.anomalies.map((a) => a.message));
  });
});

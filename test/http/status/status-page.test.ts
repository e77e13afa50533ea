import { describe, expect, it, vi } from "vitest";
import { StatusPage } from "../../../src/http/status/status-page.js";
import { plan } from "../../../src/model/plan.js";
import { AuditLog } from "../../../src/remediate/audit.js";
import { silentLogger } from "../../../src/log.js";
import { N2, V2, V3, designExample } from "../../model/fixtures.js";
import { AT, collectionOf } from "./fixtures.js";
import { one, parseHtml, rows, select, textOf } from "./parse-html.js";

// The real planner, counted.
vi.mock("../../../src/model/plan.js", async (original) => {
  const real = await original<typeof import("../../../src/model/plan.js")>();
  return { ...real, plan: vi.fn(real.plan) };
});

function statusPage(preferred: Record<string, string> = {}, clock = { t: AT.getTime() }) {
  const remediator = { config: { remediation: { preferred } }, audit: new AuditLog(null, silentLogger()) };
  return new StatusPage({ remediator, telemetryPath: "/metrics", remediation: () => true, now: () => clock.t });
}

describe("StatusPage", () => {
  it("plans once per collection, with the Remediator's preferred nodes", () => {
    const planned = (preferred: Record<string, string>) => {
      const s = statusPage(preferred);
      const c = collectionOf(designExample());
      vi.mocked(plan).mockClear();
      s.scraped(c);
      s.scraped(c);
      const first = s.render(c);
      expect(s.render(c)).toBe(first);
      expect(vi.mocked(plan)).toHaveBeenCalledTimes(1);
      expect(vi.mocked(plan).mock.calls[0]![1]).toEqual({ preferred });
      s.render(collectionOf(designExample()));
      expect(vi.mocked(plan)).toHaveBeenCalledTimes(2);
      return rows(one(parseHtml(first), "table.plan")).map((r) => r[0]);
    };
    expect(planned({ [V2]: N2 })).toEqual([V2]);
    expect(planned({ [V3]: N2 })).toEqual([V3]);
  });

  it("learns the interval from the scrapes and warns when the view outlives two of them", () => {
    const clock = { t: AT.getTime() };
    const s = statusPage({}, clock);
    const c = collectionOf(designExample(), AT);
    const freshness = () => select(one(parseHtml(s.render(c)), "section[id=freshness]"), "p").map(textOf);
    s.scraped(collectionOf(designExample(), AT));
    expect(freshness()[1]).toBe("Scrape interval unknown (fewer than two scrapes of the metrics path seen).");
    clock.t += 20_000;
    s.scraped(c);
    // A second scrape that shares the round is the same scrape.
    clock.t += 5_000;
    s.scraped(c);
    expect(freshness()).toEqual([`View read at ${AT.toISOString()}, 25.0 s ago.`, "Scrape interval 20.0 s (learned from the gaps between scrapes)."]);
    clock.t += 15_001;
    expect(freshness()[0]).toBe(
      "This view is stale: 40.0 s old, more than two scrape intervals. Check that Prometheus still scrapes this exporter and that the scrapes succeed.",
    );
  });

  it("shows nothing before a scrape made a collection", () => {
    vi.mocked(plan).mockClear();
    const root = parseHtml(statusPage().render(null));
    expect(select(root, "table")).toEqual([]);
    expect(vi.mocked(plan)).not.toHaveBeenCalled();
  });
});

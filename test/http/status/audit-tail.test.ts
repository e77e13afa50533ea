import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/log.js";
import { AuditLog, RECENT_RECORDS, type AuditRecord } from "../../../src/remediate/audit.js";

const record = (i: number): AuditRecord => ({
  time: new Date(Date.UTC(2026, 4, 1, 12, i)).toISOString(),
  who: "token",
  trigger: "manual",
  dryRun: i % 2 === 0,
  plan: { targets: {}, actions: [], blocked: [] },
  results: [],
  ok: true,
  durations: { totalSeconds: i, sendSeconds: 0, verifySeconds: 0 },
});

describe("audit log: the last records in memory", () => {
  it("keeps the last ten, newest first, and still writes every line to the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-tail-"));
    try {
      const file = join(dir, "audit.jsonl");
      const log = new AuditLog(file, silentLogger());
      expect(log.recent()).toEqual([]);
      for (let i = 0; i < 12; i++) await log.write(record(i));
      expect(RECENT_RECORDS).toBe(10);
      expect(log.recent().map((r) => r.durations.totalSeconds)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps records when there is no file, or when the file cannot be written", async () => {
    const noFile = new AuditLog(null, silentLogger(), 2);
    const broken = new AuditLog("/nonexistent-dir/audit.jsonl", silentLogger(), 2);
    for (const log of [noFile, broken]) {
      for (let i = 0; i < 3; i++) await log.write(record(i));
      expect(log.recent().map((r) => r.time)).toEqual([record(2).time, record(1).time]);
    }
  });
});

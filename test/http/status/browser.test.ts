// The demo's status page in a real browser: headless Chromium from Debian's `chromium`
// package, driven by puppeteer-core (which never downloads a browser). Node 2's zero row must
// be visible and marked as a problem, and a phone-width viewport must not scroll sideways.
// Screenshots stay in test-output/status-page/ as CI artifacts. Without chromium the test is
// skipped locally and fails in CI (CI=true).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBLEM_BACKGROUND } from "../../../src/http/status/style.js";
import { IN_CI, findExecutable, missingToolReason } from "../../deploy/tools.js";
import { startDemoApp, TOKEN, type DemoApp } from "./demo-app.js";

const OUTPUT = fileURLToPath(new URL("../../../test-output/status-page/", import.meta.url));
const chromium = findExecutable("chromium");
const missing = missingToolReason("chromium", chromium, "chromium");
if (missing && !IN_CI) console.warn(`status page browser test SKIPPED: ${missing}`);

// The callbacks below run in the page, where the DOM exists; this Node program has no DOM
// library, so the little they use is declared here.
interface DomEl {
  innerText: string;
  parentElement: DomEl | null;
  querySelector(selector: string): DomEl | null;
  querySelectorAll(selector: string): Iterable<DomEl>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number };
}
declare const document: { documentElement: { clientWidth: number; scrollWidth: number }; body: { scrollWidth: number } };
declare function getComputedStyle(e: DomEl): { backgroundColor: string; visibility: string };

const ZERO_ROW = 'table.counts tr[data-node="ose-prod-node-02"]';

/** "#fde2e1" -> "rgb(253, 226, 225)", as getComputedStyle reports it. */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

describe("status page in headless Chromium", () => {
  if (missing && IN_CI) {
    it("chromium is installed (required when CI=true)", () => {
      expect.fail(`${missing}: CI renders the status page with it; .ci/run must install it`);
    });
  }

  describe.skipIf(missing !== null)(missing ? `SKIPPED: ${missing}` : "the demo's page", () => {
    let demo: DemoApp;
    let browser: Browser;
    let page: Page;
    let profile: string;

    beforeAll(async () => {
      mkdirSync(OUTPUT, { recursive: true });
      demo = await startDemoApp();
      // A scrape (the page shows what scrapes read) and a dry run (the runs table has a row).
      expect((await fetch(`${demo.url}/metrics`)).status).toBe(200);
      const dry = await fetch(`${demo.url}/remediate`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: '{"dryRun": true}',
      });
      expect(dry.status).toBe(200);
      profile = mkdtempSync(join(tmpdir(), "status-page-chromium-"));
      browser = await puppeteer.launch({
        executablePath: chromium!,
        headless: "shell", // plain --headless
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${profile}`,
        ],
      });
      page = await browser.newPage();
      // The page needs no script: render it with JavaScript off.
      await page.setJavaScriptEnabled(false);
    });

    afterAll(async () => {
      await browser?.close();
      await demo?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("shows node 2's zero row, visible and marked as a problem", async () => {
      await page.setViewport({ width: 1280, height: 900 });
      const res = await page.goto(`${demo.url}/`, { waitUntil: "load" });
      expect(res?.status()).toBe(200);
      const row = await page.$(ZERO_ROW);
      expect(row).not.toBeNull();
      const box = await row!.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(5);
      const seen = await page.$eval(ZERO_ROW, (el) => {
        const tr = el as unknown as DomEl;
        const style = getComputedStyle(tr);
        const ok = tr.parentElement!.querySelector('tr[data-node="ose-prod-node-01"]')!;
        const badge = tr.querySelector(".badge")!;
        return {
          cells: [...tr.querySelectorAll("td")].map((td) => td.innerText.trim()),
          background: style.backgroundColor,
          okBackground: getComputedStyle(ok).backgroundColor,
          visibility: style.visibility,
          badge: badge.innerText,
          badgeBox: badge.getBoundingClientRect().width,
          link: tr.querySelector("a")!.getAttribute("href"),
        };
      });
      expect(seen.cells).toEqual(["ose-prod-node-02", "0", "problem #1", "none"]);
      expect(seen.background).toBe(rgb(PROBLEM_BACKGROUND));
      expect(seen.okBackground).not.toBe(seen.background);
      expect(seen.visibility).toBe("visible");
      expect(seen.badge).toBe("problem");
      expect(seen.badgeBox).toBeGreaterThan(0);
      const problem = await page.$eval(`li${seen.link}`, (el) => {
        const li = el as unknown as DomEl;
        return { kind: li.getAttribute("data-kind"), text: li.innerText };
      });
      expect(problem.kind).toBe("node-owns-no-vips");
      expect(problem.text).toBe("Router core-s1 sends no VIP to ose-prod-node-02 although it holds 3; rebalance with remediate. runbook");
      expect(await page.$$eval("script", (s) => s.length)).toBe(0);
      await page.screenshot({ path: join(OUTPUT, "desktop.png"), fullPage: true });
    });

    it("fits a phone's width: the page body does not scroll sideways", async () => {
      await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true });
      await page.goto(`${demo.url}/`, { waitUntil: "load" });
      const width = await page.evaluate(() => ({
        viewport: document.documentElement.clientWidth,
        document: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
      }));
      expect(width.viewport).toBe(360);
      expect(width.document).toBeLessThanOrEqual(width.viewport);
      expect(width.body).toBeLessThanOrEqual(width.viewport);
      const box = await (await page.$(ZERO_ROW))!.boundingBox();
      expect(box!.height).toBeGreaterThan(5);
      await page.screenshot({ path: join(OUTPUT, "phone.png"), fullPage: true });
    });
  });
});

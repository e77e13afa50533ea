import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classes, esc, html } from "../../../src/http/status/html.js";
import { parseHtml, select, textOf } from "./parse-html.js";

describe("html tag", () => {
  it("escapes every interpolated string, in text and in attributes", () => {
    let withMarkup = 0;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "'", "a", "/", "=", " ", "é") }), (s) => {
        if (/[<>&"']/.test(s)) withMarkup++;
        const root = parseHtml(html`<p title="${s}">${s}</p>`.text);
        const [p] = select(root, "p");
        expect(select(root, "p")).toHaveLength(1);
        expect(p!.children.filter((c) => typeof c !== "string")).toEqual([]);
        expect(textOf(p!)).toBe(s);
        expect(p!.attrs.title).toBe(s);
      }),
      { numRuns: 300 },
    );
    // The generator must reach strings that would break out of the markup.
    expect(withMarkup).toBeGreaterThan(100);
  });

  it("keeps fragments it built, joins lists of them, and drops null, undefined and false", () => {
    const items = ["<a>", "b"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.text).toBe("<ul><li>&lt;a&gt;</li><li>b</li>0</ul>");
  });

  it("writes a class attribute only when a class applies", () => {
    expect(html`<tr${classes({ zero: true, problem: false })}>`.text).toBe('<tr class="zero">');
    expect(html`<tr${classes({ zero: false })}>`.text).toBe("<tr>");
    expect(esc(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&#39;");
  });
});

// Inputs for the "no shell metacharacter gets through" properties of the command builders:
// valid values, the same with one metacharacter (or space) spliced in, and arbitrary strings,
// so that some inputs are accepted and the assertion on the built command is reached.
import fc from "fast-check";
import { expect } from "vitest";

export const META = ";&|$`<>(){}\\'\"\n\r\t*?!#~ ";

export const spliced = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    valid,
    fc.tuple(valid, fc.nat(), fc.constantFrom(...META)).map(([s, i, c]) => {
      const at = i % (s.length + 1);
      return s.slice(0, at) + c + s.slice(at);
    }),
    fc.string(),
  );

export const hasMeta = (...values: string[]): boolean => [...META].some((c) => values.some((v) => v.includes(c)));

export const ifaceArb = spliced(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/));

/**
 * The property every command builder keeps: whatever VIP and interface it is given, it either
 * refuses with its own "refusing to build TOOL command: " message, or builds exactly the
 * expected commands (no metacharacter, `words` words each). Both outcomes must be reached.
 */
export function expectNoMetacharacterThrough(
  tool: string,
  vipArb: fc.Arbitrary<string>,
  build: (vip: string, iface: string) => string[],
  expected: (vip: string, iface: string) => string[],
  words: number,
  seen: { hit(branch: string): void; reached(n: number): void },
): void {
  fc.assert(
    fc.property(vipArb, ifaceArb, (vip, iface) => {
      const meta = hasMeta(vip, iface);
      let cmds: string[];
      try {
        cmds = build(vip, iface);
      } catch (err) {
        expect((err as Error).message.startsWith(`refusing to build ${tool} command: `)).toBe(true);
        if (meta) seen.hit("refused with a metacharacter");
        return;
      }
      seen.hit("accepted");
      expect(meta).toBe(false);
      expect(cmds).toEqual(expected(vip, iface));
      for (const c of cmds) {
        expect(hasMeta(c.replaceAll(" ", ""))).toBe(false);
        expect(c.split(" ")).toHaveLength(words);
      }
    }),
    { numRuns: 300 },
  );
  seen.reached(10);
}

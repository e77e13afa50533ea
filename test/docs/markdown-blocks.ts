// What the docs tests need from Markdown: fenced code blocks, and the config keys the
// loader's schema accepts (so README and schema cannot drift apart).
import { readFileSync } from "node:fs";
import type { z } from "zod";

export const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

export interface FencedBlock {
  lang: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
  text: string;
}

/** Fenced code blocks (``` or ~~~), also indented ones inside list items; indentation removed. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = "", fence = "", lang = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() === fence) break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    blocks.push({ lang, line: i + 1, text: body.join("\n") + "\n" });
    i = j;
  }
  return blocks;
}

/** Every object key anywhere in a zod schema (objects, unions, arrays, optional/default wrappers). */
export function schemaKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const walk = (s: unknown): void => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return;
    switch (def.type) {
      case "object":
        for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
          keys.add(k);
          walk(v);
        }
        break;
      case "union":
        (def.options as unknown[]).forEach(walk);
        break;
      case "array":
        walk(def.element);
        break;
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
        walk(def.innerType);
        break;
      case "pipe":
        walk(def.in);
        break;
    }
  };
  walk(schema);
  return keys;
}

/** The part of a YAML line before its comment (a '#' at the start or after whitespace). */
export function withoutComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

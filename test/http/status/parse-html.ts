// A strict parser for the HTML this project writes, so tests assert on structure, not on
// substrings: every element must be closed in order (a mismatch throws, naming both tags),
// entities are decoded, so text an escaping bug let through would show up as elements.
export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: (El | string)[];
  parent: El | null;
}

const VOID = new Set(["meta", "link", "br", "hr", "img", "input", "col", "wbr"]);
const RAW = new Set(["style", "script"]);
const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: "\u00a0" };

function decode(s: string): string {
  return s.replace(/&(#?\w+);/g, (m, name: string) => {
    if (ENTITY[name] !== undefined) return ENTITY[name];
    throw new Error(`unknown entity ${m}`);
  });
}

export function parseHtml(src: string): El {
  const root: El = { tag: "#root", attrs: {}, children: [], parent: null };
  let cur = root;
  let i = 0;
  const text = (t: string) => {
    if (t.includes(">")) throw new Error(`unescaped ">" in text ${JSON.stringify(t.slice(0, 60))}`);
    if (t) cur.children.push(decode(t));
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    if (lt < 0) {
      text(src.slice(i));
      break;
    }
    text(src.slice(i, lt));
    if (src.startsWith("<!", lt)) {
      i = src.indexOf(">", lt) + 1;
      continue;
    }
    const gt = src.indexOf(">", lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const body = src.slice(lt + 1, gt);
    i = gt + 1;
    if (body.startsWith("/")) {
      const tag = body.slice(1).trim().toLowerCase();
      if (cur.tag !== tag) throw new Error(`</${tag}> closes <${cur.tag}>`);
      cur = cur.parent!;
      continue;
    }
    const m = /^([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*$/.exec(body);
    if (!m) throw new Error(`malformed tag <${body}>`);
    const el: El = { tag: m[1]!.toLowerCase(), attrs: {}, children: [], parent: cur };
    for (const a of m[2]!.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) el.attrs[a[1]!] = decode(a[2] ?? "");
    cur.children.push(el);
    if (RAW.has(el.tag)) {
      const end = src.indexOf(`</${el.tag}>`, i);
      if (end < 0) throw new Error(`<${el.tag}> is never closed`);
      el.children.push(src.slice(i, end));
      i = end + el.tag.length + 3;
    } else if (!VOID.has(el.tag)) {
      cur = el;
    }
  }
  if (cur !== root) throw new Error(`<${cur.tag}> is never closed`);
  return root;
}

export function all(root: El, test: (e: El) => boolean): El[] {
  const out: El[] = [];
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === "string") continue;
      if (test(c)) out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** Elements matching a tiny selector: "tag", ".class", "tag.class", "[attr]" or "tag[attr=value]". */
export function select(root: El, selector: string): El[] {
  const m = /^(\w+)?(?:\.([\w-]+))?(?:\[([\w-]+)(?:=([^\]]*))?\])?$/.exec(selector);
  if (!m) throw new Error(`unsupported selector ${selector}`);
  const [, tag, cls, attr, value] = m;
  return all(
    root,
    (e) =>
      (tag === undefined || e.tag === tag) &&
      (cls === undefined || (e.attrs.class ?? "").split(/\s+/).includes(cls)) &&
      (attr === undefined || (value === undefined ? attr in e.attrs : e.attrs[attr] === value)),
  );
}

export function one(root: El, selector: string): El {
  const found = select(root, selector);
  if (found.length !== 1) throw new Error(`${selector}: ${found.length} elements, expected 1`);
  return found[0]!;
}

export function textOf(e: El | string): string {
  return typeof e === "string" ? e : e.children.map(textOf).join("");
}

export const hasClass = (e: El, cls: string): boolean => (e.attrs.class ?? "").split(/\s+/).includes(cls);

/** Cell texts of every row of a table's body. */
export function rows(table: El): string[][] {
  return select(table, "tr")
    .filter((tr) => tr.parent?.tag === "tbody")
    .map((tr) => tr.children.filter((c): c is El => typeof c !== "string").map((td) => textOf(td).trim()));
}

// HTML built only through the `html` tag: every interpolated string is escaped, so a router
// name, a MAC or an error text from the network can never become markup. Only fragments that
// this tag built (Html) pass through as they are.
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = string | number | Html | readonly Html[] | null | undefined | false;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and quoted attribute values alike. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function piece(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map((h: Html) => h.text).join("");
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** A class attribute with the names whose condition holds; nothing when none does. */
export function classes(names: Record<string, boolean>): Html {
  const on = Object.entries(names)
    .filter(([, yes]) => yes)
    .map(([n]) => n);
  return on.length === 0 ? html`` : html` class="${on.join(" ")}"`;
}

// Notices when files change on disk by polling their stat (size, mtime, inode): it follows the
// symlink swaps Kubernetes uses for mounted Secrets (cert-manager rotating a certificate),
// which inotify on the file itself misses.
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { WebConfig } from "../http/web-config.js";

export interface FileWatch {
  setFiles(files: string[]): void;
  close(): void;
}

function signature(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (err) {
    return `missing:${(err as NodeJS.ErrnoException).code ?? "?"}`;
  }
}

/** Calls onChange (once per poll at most) when any of the files changed since the last poll. */
export function watchFiles(files: string[], intervalMs: number, onChange: () => void): FileWatch {
  let seen = new Map(files.map((f) => [f, signature(f)]));
  const timer = setInterval(() => {
    let changed = false;
    for (const [f, sig] of seen) {
      const now = signature(f);
      if (now !== sig) {
        seen.set(f, now);
        changed = true;
      }
    }
    if (changed) onChange();
  }, intervalMs);
  timer.unref();
  return {
    setFiles(next) {
      seen = new Map(next.map((f) => [f, seen.get(f) ?? signature(f)]));
    },
    close() {
      clearInterval(timer);
    },
  };
}

/** The web config file and the certificate, key and CA files it names (absolute paths). */
export function webConfigFiles(webConfigFile: string, web: WebConfig): string[] {
  const base = dirname(resolve(webConfigFile));
  return [resolve(webConfigFile), ...(web.files ?? []).map((f) => resolve(base, f))];
}

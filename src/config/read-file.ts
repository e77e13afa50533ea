// Reads the files a config points at (keys, known_hosts, tokens, communities, certificates)
// the safe way: regular files only (never /dev/zero or a FIFO that would block or grow without
// end), a size limit, and UTF-8 that is checked rather than silently repaired.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

/** Key, token, community and known_hosts files are small: anything larger is a wrong path. */
export const SECRET_FILE_LIMIT = 64 * 1024;
/** The config file itself may list thousands of VIPs and nodes. */
export const CONFIG_FILE_LIMIT = 16 * 1024 * 1024;

export class FileReadError extends Error {
  override readonly name = "FileReadError";
}

function kind(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a named pipe";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function sizeText(n: number): string {
  return n % 1024 === 0 && n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** The file's bytes; throws FileReadError that says what is wrong with the path. */
export function readBoundedFile(path: string, limit: number): Buffer {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw new FileReadError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!st.isFile()) throw new FileReadError(`${path} is ${kind(st)}, not a regular file`);
  if (st.size > limit) throw new FileReadError(`${path} is ${st.size} bytes, more than the ${sizeText(limit)} such a file may have`);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening must not hang.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new FileReadError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new FileReadError(`${path} is ${kind(fst)}, not a regular file`);
    // One byte more than the limit tells a file that grew since the stat.
    const buf = Buffer.alloc(Math.min(limit, fst.size) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > limit) throw new FileReadError(`${path} is larger than the ${sizeText(limit)} such a file may have`);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 strictly; throws FileReadError naming the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FileReadError(`${what} is not valid UTF-8 text (first bad byte at offset ${firstBadByte(bytes)}): save it as UTF-8`);
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
function firstBadByte(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    // Continuation bytes, and the ranges that rule out overlong forms and surrogates.
    for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    if ((c === 0xe0 && b[i + 1]! < 0xa0) || (c === 0xed && b[i + 1]! > 0x9f)) return i;
    if ((c === 0xf0 && b[i + 1]! < 0x90) || (c === 0xf4 && b[i + 1]! > 0x8f)) return i;
    i += len;
  }
  return b.length;
}

/** A small text file (secret, key, known_hosts): regular, at most 64 KiB, valid UTF-8. */
export function readTextFile(path: string, limit = SECRET_FILE_LIMIT): string {
  return decodeUtf8(readBoundedFile(path, limit), path);
}

// tcpdump on the router's leg, inside the router's namespace: every SNMP datagram and SSH
// segment between the host and the router, written to a pcap file and read back per window.
import { readFileSync, rmSync } from "node:fs";
import { inNs } from "../../lab/exec.js";
import { sleep } from "../../lab/wait.js";
import { startWatched, type Watched } from "./child.js";
import { parsePcap, type Packet } from "./pcap.js";

export interface Capture {
  /** Stops tcpdump and returns what it saw; throws when the kernel dropped packets. */
  stop(): Promise<Packet[]>;
  /** Stops tcpdump without reading (cleanup after a failure). */
  kill(): Promise<void>;
}

export async function startCapture(ns: string, peer: string, file: string): Promise<Capture> {
  // --immediate-mode and -U: each packet handed over and written as it arrives (without them
  // libpcap keeps the last second in a kernel block that SIGINT throws away); -s 128: headers only; -Z root: keep writing the file
  // as root instead of dropping to the tcpdump user; -B: 8 MiB buffer so a 50k-row walk drops none.
  const argv = inNs(ns, [
    "tcpdump", "-i", "eth0", "-n", "-U", "--immediate-mode", "-s", "128", "-B", "8192", "-Z", "root", "-w", file,
    "host", peer, "and", "(", "udp", "port", "161", "or", "tcp", "port", "22", ")",
  ]);
  const proc: Watched = await startWatched("tcpdump", argv, { readyOn: /listening on/, readyTimeoutMs: 20_000 });
  return {
    async stop() {
      await sleep(300); // the last packets' way through the kernel to the file
      const { stderr } = await proc.stop("SIGINT");
      const dropped = /(\d+) packets? dropped by kernel/.exec(stderr);
      if (!dropped) throw new Error(`tcpdump did not report its counts (stderr: ${stderr.trim().slice(0, 300)})`);
      if (Number(dropped[1]) > 0) throw new Error(`tcpdump: ${dropped[1]} packets dropped by the kernel: the counts would be wrong`);
      try {
        return parsePcap(readFileSync(file));
      } finally {
        rmSync(file, { force: true });
      }
    },
    async kill() {
      await proc.stop("SIGKILL");
      rmSync(file, { force: true });
    },
  };
}

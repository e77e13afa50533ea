// What each signal a service manager or a terminal sends does. None kills the process
// silently: SIGTERM/SIGINT stop gracefully (a second one exits at once, recording a run in
// flight as interrupted), SIGHUP reloads (systemd's ExecReload=kill -HUP $MAINPID), SIGUSR2
// is logged and ignored. Node keeps SIGUSR1 for its inspector.
import type { Logger } from "../log.js";

export interface SignalActions {
  /** First SIGTERM/SIGINT: stop gracefully; resolves with the exit code. */
  shutdown(signal: NodeJS.Signals): Promise<number>;
  /** Second SIGTERM/SIGINT while stopping: record what must be recorded, synchronously. */
  abort(signal: NodeJS.Signals): void;
  /** SIGHUP; absent: the signal is logged and ignored. */
  reload?(signal: NodeJS.Signals): void;
}

/** Exit code of a process ended by a second signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; resolves with the exit code once a shutdown finished. */
export function untilShutdown(log: Logger, actions: SignalActions, exit: (code: number) => void = (c) => process.exit(c)): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, "second signal while stopping: exiting now");
        actions.abort(signal);
        exit(SIGNAL_EXIT[signal] ?? 1);
        return;
      }
      stopping = true;
      log.info({ signal }, "shutting down: no new connections; a remediation in flight finishes first (send the signal again to exit at once)");
      actions.shutdown(signal).then(resolve, (err: unknown) => {
        log.error({ err: (err as Error).message }, "shutdown failed");
        resolve(1);
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    process.on("SIGHUP", (signal: NodeJS.Signals) => {
      if (stopping) return;
      if (actions.reload) actions.reload(signal);
      else log.info({ signal }, "SIGHUP ignored: nothing to reload here");
    });
    process.on("SIGUSR2", (signal: NodeJS.Signals) => log.warn({ signal }, "SIGUSR2 ignored: SIGHUP reloads the config, SIGTERM stops the exporter"));
  });
}

/**
 * For one-shot commands (`check`, `remediate`): the first SIGTERM/SIGINT lets the command
 * finish (`onFirst` says so), a second one runs `abort` and exits; SIGHUP and SIGUSR2 are
 * logged and ignored. Returns a function that removes the handlers.
 */
export function oneShotSignals(log: Logger, opts: { onFirst?: (signal: NodeJS.Signals) => void; abort?: (signal: NodeJS.Signals) => void }, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  let seen = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (seen || !opts.onFirst) {
      log.warn({ signal }, "exiting now");
      opts.abort?.(signal);
      exit(SIGNAL_EXIT[signal] ?? 1);
      return;
    }
    seen = true;
    opts.onFirst(signal);
  };
  const ignore = (signal: NodeJS.Signals): void => log.warn({ signal }, `${signal} ignored by a one-shot command`);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("SIGHUP", ignore);
  process.on("SIGUSR2", ignore);
  return () => {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    process.off("SIGHUP", ignore);
    process.off("SIGUSR2", ignore);
  };
}

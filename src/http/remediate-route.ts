// POST /remediate: authenticate (before reading any body), parse the body, run one
// remediation and answer with its report: 200 when nothing failed, 502 when an action
// failed, 503 when a router's view could not be trusted and nothing was sent for it (both so
// Alertmanager retries), 409 while another run is in flight.
//
// Alertmanager treats every 4xx as final and drops the notification, and it sends the same
// one more than once: a notification handled within the cooldown is answered 200 "already
// handled"; one that arrives while a run is in flight waits for it and gets its outcome when
// that run covered it, else runs right after it. Never 409 for Alertmanager.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "../log.js";
import { BusyError, RemediationRequestError, ShuttingDownError, type Remediator } from "../remediate/remediator.js";
import type { RemediationReport } from "../remediate/report.js";
import { bearerAuth } from "./auth.js";
import { parseRemediateBody } from "./remediate-body.js";

export interface RemediateRouteOptions {
  /** The current remediator; its config gives the token and the body limit. */
  state: () => { remediator: Remediator };
  log: Logger;
}

export function remediateRoute(opts: RemediateRouteOptions): express.Router {
  const { log } = opts;
  const remediation = () => opts.state().remediator.config.remediation;
  const router = express.Router();
  router.post("/remediate", bearerAuth(() => remediation().token, log), readBody(() => remediation().maxBodyBytes), async (req: Request, res: Response) => {
    const { remediator } = opts.state();
    const outcome = parseRemediateBody(req.body, remediator.config.vips);
    if (outcome.kind === "error") {
      res.status(400).json({ error: outcome.message });
      return;
    }
    if (outcome.kind === "noop") {
      log.info({ remote: req.ip }, outcome.message);
      res.status(200).json({ ok: true, ran: false, message: outcome.message });
      return;
    }
    const key = outcome.notification;
    const handledAt = key === undefined ? null : remediator.notifications.handledAt(key);
    if (handledAt !== null) {
      const message = `already handled: this notification (same group key, alerts and start times) was answered successfully at ${new Date(handledAt).toISOString()}, within remediation.cooldown; not run again`;
      log.info({ remote: req.ip, groupKey: outcome.request.groupKey }, message);
      res.status(200).json({ ok: true, ran: false, message });
      return;
    }
    try {
      const alertmanager = outcome.request.trigger === "alertmanager";
      const report = alertmanager ? await remediator.runWhenFree(outcome.request) : await remediator.run(outcome.request);
      const status = reportStatus(report);
      if (key !== undefined && status === 200) remediator.notifications.mark(key);
      res.status(status).json(report);
    } catch (err) {
      if (err instanceof BusyError) {
        res.status(409).set("Retry-After", "10").json({ error: err.message });
      } else if (err instanceof ShuttingDownError) {
        res.status(503).set("Retry-After", "10").json({ error: err.message });
      } else if (err instanceof RemediationRequestError) {
        res.status(400).json({ error: err.message });
      } else {
        log.error({ err: (err as Error).message }, "remediation run failed");
        res.status(500).json({ error: `remediation run failed: ${(err as Error).message}` });
      }
    }
  });
  router.all("/remediate", (_req: Request, res: Response) => {
    res.status(405).set("Allow", "POST").json({ error: "use POST /remediate" });
  });
  return router;
}

/** 200 ok; 502 an action failed; 503 a router's view was distrusted (nothing sent for it). */
export function reportStatus(report: RemediationReport): 200 | 502 | 503 {
  if (report.actions.some((a) => a.status === "failed")) return 502;
  if (report.error !== undefined || report.distrusted.length > 0) return 503;
  return 200;
}

/** Reads the raw body up to the limit; answers 413/400 itself. Any content type is accepted. */
function readBody(limitOf: () => number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const limit = limitOf();
    express.raw({ type: () => true, limit })(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { status?: number; type?: string; message?: string };
      if (e.type === "entity.too.large" || e.status === 413) {
        res.status(413).json({ error: `request body larger than ${limit} bytes (remediation.max_body_bytes)` });
      } else {
        res.status(e.status && e.status >= 400 && e.status < 500 ? e.status : 400).json({
          error: `could not read the request body: ${e.message ?? String(err)}`,
        });
      }
    });
  };
}

// Typed errors the HTTP route and the CLI map to answers (409, 400).

/** Another run is in flight: remediation runs one at a time. */
export class BusyError extends Error {
  override readonly name = "BusyError";
  constructor() {
    super("a remediation run is already in progress: try again when it has finished");
  }
}

/** The request itself is wrong (e.g. a VIP that is not configured). */
export class RemediationRequestError extends Error {
  override readonly name = "RemediationRequestError";
}

/** The exporter is shutting down: no new run starts (the one in flight finishes). */
export class ShuttingDownError extends Error {
  override readonly name = "ShuttingDownError";
  constructor() {
    super("the exporter is shutting down: no new remediation run starts; try again when it is back");
  }
}

import type { Logger } from "pino";
import type { Principal } from "../security/principal.ts";

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    clientIp: string;
    userAgent: string;
    principal?: Principal;
    /** Set by handlers so the access log and metrics can carry decision context. */
    traceId?: string;
    auditLogId?: string;
    errorCode?: string;
    routePattern?: string;
    /** Size of the response body, recorded by whoever wrote it (envelope.json). */
    responseBytes?: number;
  };
}

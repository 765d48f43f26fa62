import type { Logger } from "pino";
import type { ZodType } from "zod";
import type { Principal } from "../security/principal.ts";

/** The zod schemas an operation's handler parses its body and query string with. */
export interface RequestValidators {
  readonly body?: ZodType;
  readonly query?: ZodType;
}

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
    /** The operation being served, and the request validators the request-schemas table lists for it. */
    operationId?: string;
    requestSchemas?: RequestValidators;
    /** Size of the response body, recorded by whoever wrote it (envelope.json). */
    responseBytes?: number;
  };
}

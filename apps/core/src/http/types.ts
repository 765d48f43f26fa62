import type { Logger } from "pino";

/** The authenticated caller. Filled by the authenticate middleware. */
export type Principal =
  | {
      kind: "session";
      userId: string;
      sessionId: string;
      /** Active actor of the session (may be stale; re-validated where used). */
      activeSpaceId: string | null;
      activeMemberId: string | null;
      activeUserMemberId: string | null;
      grants: PrincipalGrant[];
    }
  | {
      kind: "api_key";
      apiKeyId: string;
      level: "instance" | "space" | "group";
      spaceId: string | null;
      groupId: string | null;
      groupPath: string | null;
      permissionKeys: string[];
      createdByUserId: string | null;
      /**
       * Built from the per-process key cache without reading the key's status: the handler MUST
       * confirm liveness (`confirmKeyLiveness`) before deciding or writing anything. Only set on
       * operations flagged `deferKeyLiveness` in the spec's `x-plystra-permission`.
       */
      livenessPending?: boolean;
    };

export interface PrincipalGrant {
  id: string;
  level: "instance_super_admin" | "instance_admin" | "space_admin" | "group_admin";
  permissionKey: string;
  spaceId: string | null;
  groupId: string | null;
  groupPath: string | null;
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
    /** Size of the response body, recorded by whoever wrote it (envelope.json). */
    responseBytes?: number;
  };
}

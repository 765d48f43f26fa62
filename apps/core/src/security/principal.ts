/** The authenticated credential of a request: a user session or an API key. Filled by `authenticate`. */
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
       * routes flagged `deferKeyLiveness` in the route table.
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

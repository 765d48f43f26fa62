import { groupsFeature } from "../groups/groups.routes.ts";
import type { Feature } from "../index.ts";
import { membersFeature } from "../members/members.routes.ts";
import { rolesFeature } from "../roles/roles.routes.ts";
import { spacesFeature } from "../spaces/spaces.routes.ts";

/** The management entity features (identity, tenancy, RBAC), console and Data Console. */
export const MANAGEMENT_FEATURES: Feature[] = [spacesFeature, groupsFeature, membersFeature, rolesFeature];

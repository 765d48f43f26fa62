import { consoleFeature } from "./console/console.routes.ts";
import { dataConsoleFeature } from "./data-console/data-console.routes.ts";
import { groupsFeature } from "./groups/groups.routes.ts";
import type { Feature } from "./feature.ts";
import { memberRolesFeature } from "./member-roles/member-roles.routes.ts";
import { membersFeature } from "./members/members.routes.ts";
import { permissionsFeature } from "./permissions/permissions.routes.ts";
import { rolesFeature } from "./roles/roles.routes.ts";
import { spacesFeature } from "./spaces/spaces.routes.ts";
import { userMembersFeature } from "./user-members/user-members.routes.ts";
import { usersFeature } from "./users/users.routes.ts";

/** The management entity features (identity, tenancy, RBAC), console and Data Console. */
export const MANAGEMENT_FEATURES: Feature[] = [
  usersFeature,
  spacesFeature,
  groupsFeature,
  membersFeature,
  userMembersFeature,
  rolesFeature,
  memberRolesFeature,
  permissionsFeature,
  consoleFeature,
  dataConsoleFeature,
];

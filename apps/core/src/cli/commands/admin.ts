import { openConfiguredDatabase } from "../../database.ts";
import { BootstrapError, bootstrapSuperAdmin } from "../../features/admin/bootstrap-super-admin.ts";
import type { Command } from "./types.ts";

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

export const adminCommands: Command[] = [
  {
    name: "admin bootstrap-super-admin",
    summary: "grant instance_super_admin to an existing user (refuses when one exists)",
    help: [
      "--user-id <id>                  the user to promote (required)",
      "--member-id <id>                attribute the grant to this member",
      "--grant-id <id>                 the new grant's id (default: generated)",
      "--if-exists error|ok            when a super admin already exists: fail (default) or succeed",
    ],
    options: {
      "user-id": { type: "string" },
      "member-id": { type: "string" },
      "grant-id": { type: "string" },
      "if-exists": { type: "string" },
    },
    async run({ config, options }) {
      const userId = typeof options["user-id"] === "string" ? options["user-id"].trim() : "";
      if (!userId) {
        err("admin bootstrap-super-admin: --user-id is required");
        return 2;
      }
      const ifExists = (options["if-exists"] as string | undefined) ?? "error";
      if (ifExists !== "error" && ifExists !== "ok") {
        err("admin bootstrap-super-admin: --if-exists must be error or ok");
        return 2;
      }
      const database = await openConfiguredDatabase(config);
      try {
        const result = await bootstrapSuperAdmin(database.db, {
          userId,
          memberId: (options["member-id"] as string | undefined) || null,
          grantId: (options["grant-id"] as string | undefined) || null,
          ifExists,
        });
        if (result.status === "exists") {
          out(
            `notice: an active instance super admin already exists (${result.existingGrantIds.join(", ")}); nothing to do`,
          );
        } else {
          out(`created instance_super_admin grant ${result.grantId} for ${userId}`);
        }
        return 0;
      } catch (e) {
        if (e instanceof BootstrapError) {
          err(`admin bootstrap-super-admin: ${e.message}`);
          return 1;
        }
        throw e;
      } finally {
        await database.close();
      }
    },
  },
];

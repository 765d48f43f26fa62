import { z } from "zod";
import { parseBody } from "../../http/body.ts";
import { ok } from "../../http/envelope.ts";
import { AppError, validationError } from "../../http/errors.ts";
import { requireSession } from "../../security/authenticate.ts";
import { findSession } from "../auth/auth.repository.ts";
import type { Feature } from "../index.ts";
import { listAvailableBindings, pickActiveBinding, setSessionActor, toActorRef } from "./actor.repository.ts";

export const switchBody = z.strictObject({
  member_id: z.string({ message: "member_id must be a string" }).trim().min(1).optional(),
  user_member_id: z.string({ message: "user_member_id must be a string" }).trim().min(1).optional(),
});

const noMember = () => new AppError("ACTIVE_MEMBER_REQUIRED");

export const actorFeature: Feature = {
  name: "actor",
  install(app, deps) {
    async function context(
      sessionId: string,
      userId: string,
      activeUserMemberId: string | null,
      known?: Awaited<ReturnType<typeof listAvailableBindings>>,
    ) {
      const available = known ?? (await listAvailableBindings(deps, userId));
      const active = pickActiveBinding(available, activeUserMemberId);
      if (!active) throw noMember();
      const session = await findSession(deps.db, sessionId);
      return {
        session_id: sessionId,
        actor: toActorRef(active),
        available_members: available,
        expires_at: session ? new Date(session.expires_at).toISOString() : null,
      };
    }

    // Lives with the actor context it shares; unlike /actor/context it answers with a null actor
    // instead of 403 when the user has no live binding.
    app.get("/api/v1/auth/me", async (c) => {
      const p = await requireSession(deps, c);
      const [user, session, available] = await Promise.all([
        deps.db
          .selectFrom("users")
          .select(["id", "email", "status"])
          .where("id", "=", p.userId)
          .executeTakeFirstOrThrow(),
        findSession(deps.db, p.sessionId),
        listAvailableBindings(deps, p.userId),
      ]);
      if (!session) throw new AppError("AUTHENTICATION_REQUIRED");
      const active = pickActiveBinding(available, p.activeUserMemberId);
      return ok(c, {
        session_id: p.sessionId,
        user,
        session: {
          active_space_id: active?.space_id ?? null,
          active_member_id: active?.member_id ?? null,
          active_user_member_id: active?.user_member_id ?? null,
          expires_at: new Date(session.expires_at).toISOString(),
          refresh_expires_at: new Date(session.refresh_expires_at).toISOString(),
        },
        actor: active ? toActorRef(active) : null,
        available_members: available,
      });
    });

    app.get("/api/v1/actor/context", async (c) => {
      const p = await requireSession(deps, c);
      return ok(c, await context(p.sessionId, p.userId, p.activeUserMemberId));
    });

    app.post("/api/v1/actor/switch-member", async (c) => {
      const p = await requireSession(deps, c);
      const body = await parseBody(c, switchBody);
      if (!body.member_id && !body.user_member_id) {
        throw validationError("member_id", "member_id or user_member_id is required");
      }
      const available = await listAvailableBindings(deps, p.userId);
      const target = available.find(
        (b) =>
          (!body.member_id || b.member_id === body.member_id) &&
          (!body.user_member_id || b.user_member_id === body.user_member_id),
      );
      // Someone else's binding, a revoked one and a made-up id all look the same.
      if (!target) throw noMember();
      await setSessionActor(deps.db, p.sessionId, target, deps.now());
      return ok(c, await context(p.sessionId, p.userId, target.user_member_id, available));
    });
  },
};

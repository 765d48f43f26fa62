import { parseBody } from "../../http/body.ts";
import { callerOf } from "../../http/caller.ts";
import { created, ok } from "../../http/envelope.ts";
import { presentedCredential } from "../../security/authenticate.ts";
import { passwordParams, warmDummyHash } from "../../security/passwords.ts";
import type { Feature } from "../feature.ts";
import { loginBody, logoutBody, refreshBody, registerBody } from "./auth.schemas.ts";
import { login, logout, refresh } from "./auth.service.ts";
import { register } from "./registration.service.ts";

export const authFeature: Feature = {
  name: "auth",
  install(ops, deps) {
    // Compute the timing-equalisation hash now rather than during the first unknown-email login.
    warmDummyHash(passwordParams(deps.config)).catch(() => {});

    ops.handle("login", async (c) => {
      const body = await parseBody(c, loginBody);
      const data = await login(deps, {
        email: body.email,
        password: body.password,
        ip: c.get("clientIp"),
        userAgent: c.get("userAgent"),
      });
      return ok(c, data);
    });

    ops.handle("refreshSession", async (c) => {
      const body = await parseBody(c, refreshBody);
      return ok(c, await refresh(deps, body.refresh_token));
    });

    ops.handle("logout", async (c) => {
      const body = await parseBody(c, logoutBody, { optional: true });
      const tokens: string[] = [];
      const cred = presentedCredential(c);
      if (cred?.kind === "session") tokens.push(cred.value);
      if (body.refresh_token) tokens.push(body.refresh_token);
      return ok(c, await logout(deps, tokens));
    });

    ops.handle("register", async (c) => {
      const body = await parseBody(c, registerBody);
      return created(c, await register(deps, callerOf(c), body));
    });
  },
};

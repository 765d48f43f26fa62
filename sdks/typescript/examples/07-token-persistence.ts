// Token mode across restarts: persist tokens on every change, restore them later. An expired access
// token is refreshed transparently (once, shared by concurrent calls) using the refresh token.
import { PlystraClient, type Tokens } from "@plystra/sdk";

const baseUrl = process.env.PLYSTRA_BASE_URL ?? "http://localhost:8080";
const storage = new Map<string, Tokens>(); // e.g. an encrypted cookie or a keychain entry
const persist = (tokens: Tokens) => {
  storage.set("plystra", tokens); // called after login, every refresh (explicit or transparent), logout
};

const client = new PlystraClient({ baseUrl, onTokenChange: persist });
await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });

// Later, in another process: restore and keep going.
const saved = storage.get("plystra");
const restored = new PlystraClient({
  baseUrl,
  accessToken: saved?.accessToken,
  refreshToken: saved?.refreshToken,
  onTokenChange: persist,
});
console.log(await restored.admin.me());

await restored.auth.refresh(); // rotates both tokens; the old refresh token stops working
await restored.auth.logout(); // revokes the session and reports null tokens
console.log(storage.get("plystra")); // { accessToken: null, refreshToken: null, … }

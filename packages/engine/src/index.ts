/**
 * `@plystra/engine` — the pure authorization decision logic of Plystra: scopes, deny codes, the
 * decision trace and Context Mode. No I/O; the clock and ids are injected through the context.
 *
 * @example
 * ```ts
 * import { decide, compactExplanation } from "@plystra/engine";
 * const decision = decide(context); // context loaded by the server in one round trip
 * const explanation = compactExplanation(decision);
 * ```
 */
export { DENY_CODES, REASONS, SCOPE_DENY_CODES, isDenyCode, type DenyCode } from "./deny-codes.ts";
export { SCOPES, SCOPE_RULES, checkScope, isGroupTreeCovered, isScope, type Scope } from "./scope.ts";
export { TRACE_VERSION, decide } from "./decide.ts";
export { compactExplanation, type CompactCandidate, type CompactExplanation } from "./explanation.ts";
export {
  buildInlineContext,
  buildInlineTarget,
  hasInlineResourceContext,
  inlineContextKind,
  inlineToken,
  listInlineScopes,
  resolveRequestedResource,
  syntheticGroupId,
  type InlineActorInput,
  type InlineCheckInput,
  type InlineContextKind,
  type InlineGrantInput,
  type InlineRequestBody,
  type InlineResourceInput,
  type InlineResult,
  type InlineScope,
} from "./context-mode.ts";
export type * from "./types.ts";

// Type declarations for build-spec.mjs so TypeScript consumers (the contract tests) can import it.

/** Error codes, in catalogue order. */
export declare const ERROR_CODES: readonly string[];
/** Deny codes, in catalogue order. */
export declare const DENY_CODES: readonly string[];
/** The OpenAPI document as a plain object. */
export declare const document: Record<string, unknown>;
/** The OpenAPI document rendered as YAML, exactly as committed in openapi/plystra.yaml. */
export declare function render(): string;

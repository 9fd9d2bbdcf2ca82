/**
 * medzk/server: the verifier as an HTTP service (Fastify), configured by a `verifier.json`.
 * docs/service.md describes the configuration, the endpoints and the error codes.
 */
export { parseServiceConfig, loadServiceConfig, type ServiceConfig, type ParseOptions, type MetricsConfig } from "./server/config.js";
export type { LogLevel } from "./server/logger.js";
export type { AuditConfig } from "./server/config.js";
export { createVerifierService, type VerifierService, type ServiceOptions } from "./server/service.js";
export type { ServiceVerifyResult } from "./server/presets.js";

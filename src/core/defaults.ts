/** Defaults and limits shared by the verifier, the service config and the CLI, written once here. */

/** Lifetime of a proof request when the policy gives none, in seconds. */
export const DEFAULT_REQUEST_TTL_SECONDS = 300;
/** Longest request lifetime a policy may set, in seconds (one day). */
export const MAX_REQUEST_TTL_SECONDS = 86_400;
/** How long a replaced revocation root stays acceptable when the policy gives no limit, in seconds. */
export const DEFAULT_MAX_ROOT_AGE_SECONDS = 3600;

// Types of _drive.mjs for TypeScript callers (test/integration/server/load.test.ts).
export interface DriveResult {
  calls: number;
  errors: number;
  timeouts: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Responses by result code ("OK", a refusal code, or "HTTP <error code>"). */
  codes: Record<string, number>;
  /** Accepted challenges, each with how many times it was accepted. */
  accepted: Map<string, number>;
}

export declare function drive(options: { urls: string[]; bodies: string[]; connections: number; duration?: number }): Promise<DriveResult>;

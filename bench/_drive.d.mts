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

export declare function drive(options: {
  urls: string[];
  bodies: string[];
  connections: number;
  /** Seconds to run (the bodies cycled); otherwise `amount` calls. */
  duration?: number;
  /** Calls to send, the bodies cycled; default `bodies.length`. */
  amount?: number;
  /** Called with the challenge of every accepted presentation. */
  onAccepted?: (challenge: string) => void;
}): Promise<DriveResult>;

export declare function pace(options: {
  urls: string[];
  bodies: string[];
  /** The most calls in flight over all `urls`: keep-alive sockets, split evenly between them (rounded down; each url its own host and port). */
  connections: number;
  /** Calls per second offered: call k is due at k / rate s. */
  rate: number;
  /** Calls to send (≥ 1), the bodies cycled. */
  amount: number;
  onAccepted?: (challenge: string) => void;
  /** A call unanswered this long is given up and counted in `timeouts`; default 30. */
  timeoutSeconds?: number;
}): Promise<DriveResult & { offered: number; lateStarts: number; peakInFlight: number }>;

/** Shared setup for library-level tests: a fixed verifier clock and one-call presentations. */
import {
  type Credential,
  type Holder,
  type IssuerKey,
  type Presentation,
  type Statement,
  type VerifierKey,
  type VerifierPolicy,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
} from "../../src/index.js";

/** A settable clock: tests move time explicitly. `clock` is what a policy's `clock` takes. */
export function fixedClock(iso: string): {
  clock: () => Date;
  /** @deprecated Same as `clock`. */
  now: () => Date;
  set: (iso: string) => void;
  advance: (ms: number) => void;
} {
  let t = Date.parse(iso);
  const clock = () => new Date(t);
  return {
    clock,
    now: clock,
    set: (next) => {
      t = Date.parse(next);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** The insurer's signing key: verifiers given it share an identity (and accept each other's requests). */
export const VERIFIER_KEY: VerifierKey = generateVerifierKey();
/** The scope derived from {@link VERIFIER_KEY} without a purpose. */
export const SCOPE = `medzk-verifier:${VERIFIER_KEY.publicKey}`;

export interface World {
  hospital: IssuerKey;
  insurerKey: IssuerKey;
  patient: Holder;
  record: Credential;
  coverage: Credential;
}

export async function makeWorld(dateOfBirth = "2000-02-29"): Promise<World> {
  const hospital = generateIssuerKey();
  const insurerKey = generateIssuerKey();
  const patient = createHolder();
  const issuedAt = new Date("2025-12-01T09:00:00Z");
  const record = await issueCredential(hospital, {
    schema: "patient-record/v1",
    holder: patient.commitment,
    attributes: { dateOfBirth },
    now: issuedAt,
  });
  const coverage = await issueCredential(insurerKey, {
    schema: "insurance-coverage/v1",
    holder: patient.commitment,
    attributes: {
      insurerId: "acme-health",
      memberId: "M-0042-7731",
      plan: "gold",
      coverageStart: "2026-01-01",
      coverageEnd: "2026-12-31",
    },
    now: issuedAt,
  });
  return { hospital, insurerKey, patient, record, coverage };
}

/**
 * A verifier trusting the world's issuers. Its key is a new one unless `extra.key` names one
 * (pass {@link VERIFIER_KEY} for verifiers that must accept each other's requests).
 */
export function verifierFor(world: World, clock: { clock: () => Date }, extra: Partial<VerifierPolicy> = {}) {
  return createVerifier({
    trustedIssuers: [world.hospital.publicKey, world.insurerKey.publicKey],
    key: generateVerifierKey(),
    clock: clock.clock,
    ...extra,
  });
}

/** Creates a request on `verifier` at the clock's time and proves it with the holder's credential. */
export async function present(
  verifier: ReturnType<typeof createVerifier>,
  credential: Credential,
  holder: Holder,
  statement: Statement,
  now: Date,
): Promise<Presentation> {
  const request = verifier.createRequest({ statement });
  return prove({ credential, holder, request, now });
}

/** A deep copy, for tampering without touching the original. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export { generateIssuerKey, generateVerifierKey };

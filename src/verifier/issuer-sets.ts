/**
 * The verifier's trusted issuer sets, for requests that hide the issuer (core/issuer-set.ts,
 * circuits/lib/issuer_set.circom): one set per schema, built from the verifier's own trust
 * sources, and the history of its roots so that a proof against a recently replaced set is still
 * accepted.
 *
 * Who is a member (the key-mode trust rule of ./trust.ts, applied to every key at once):
 * - each `trustedIssuers` key, for every schema, with the empty revocation root;
 * - each registry key whose status is "active" and whose `validUntil` (if any) has not passed,
 *   of an issuer allowed the schema (no `schemas` pin, or the pin lists it), with its validity
 *   days and its issuer's current revocation root (the empty root if it publishes none).
 * Retired and compromised keys are never members (keyRefusal refuses them on every day); a key
 * valid only from a later day is a member (the circuit checks its window). A key both listed and
 * held by the registry is left out, failing closed like the key mode's TRUST_CONFLICT.
 *
 * Freshness, as for revocation roots (issuer-registry.ts, rootAcceptable): the set is rebuilt
 * whenever it is asked for or checked, and a change of members (rotation, retirement,
 * compromise, a new revocation root, a key's last day passing) makes a new current root; the
 * replaced one stays acceptable for `maxRootAgeMs`, so holders who fetched the set just before
 * the change can still present. One exception, because the proof cannot say which key signed:
 * a replaced set is refused at once when any of its keys has since been retired or compromised
 * (in key mode such a key is refused at once too). A revocation root replaced in the registry
 * only ages out, exactly as in key mode.
 *
 * NOTE: the history lives in memory, per verifier: after a restart the verifier knows only the
 * set it rebuilds, so in-flight requests naming an older set are refused (UNKNOWN_ISSUER_SET)
 * and the holder asks again.
 */
import { parseDate, utcDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { buildIssuerSet, type IssuerSet, type IssuerSetMember } from "../core/issuer-set.js";
import { EMPTY_REVOCATION_ROOT } from "../core/revocation.js";
import { type SchemaDefinition, schemaIdField } from "../core/schemas.js";
import { MAX_PREVIOUS_ROOTS } from "./issuer-registry.js";
import { refuse } from "./refusal.js";
import type { TrustSources } from "./trust.js";

/** One built set and the keys in it. */
interface Built {
  set: IssuerSet;
  /** The member list's canonical JSON: the set is rebuilt (hashed) only when it changes. */
  fingerprint: string;
  keys: ReadonlySet<string>;
}

interface History {
  current: Built;
  /** Most recently replaced first, at most MAX_PREVIOUS_ROOTS. */
  previous: Array<Built & { replacedAtMs: number }>;
}

/** The registry's view of its keys now: the members for one schema and the keys no longer usable. */
interface Listing {
  members: IssuerSetMember[];
  /** Registry keys whose status is retired or compromised. */
  withdrawn: ReadonlySet<string>;
}

export class IssuerSets {
  readonly #sources: TrustSources;
  readonly #maxRootAgeMs: number;
  /** By schema id field (decimal). */
  readonly #history = new Map<string, History>();
  /** Rebuilds of one schema's set run one after another, so the history is updated in order. */
  readonly #queue = new Map<string, Promise<unknown>>();

  constructor(sources: TrustSources, maxRootAgeMs: number) {
    this.#sources = sources;
    this.#maxRootAgeMs = maxRootAgeMs;
  }

  /**
   * The current set for `schema` at `now`, rebuilt from the trust sources. Throws MedzkError:
   * INVALID_ARGUMENT when the registry cannot list its issuers, INVALID_ISSUER_SET when its
   * content does not make a set (more than 4,096 members, a malformed key or root), or whatever
   * the registry throws.
   */
  async current(schema: SchemaDefinition, now: Date): Promise<IssuerSet> {
    return (await this.#refresh(schema, now)).history.current.set;
  }

  /** The root of the current set for `schema` as last built, if any (synchronous: no rebuild). */
  lastRoot(schema: SchemaDefinition): string | undefined {
    return this.#history.get(schemaIdField(schema).toString())?.current.set.root;
  }

  /**
   * The trust step in issuer mode "set": refuses (the verifier's codes) unless `root` is the
   * current set for `schema`, or a set replaced less than maxRootAgeMs before `now` none of whose
   * keys has since been retired or compromised. A registry that fails refuses REGISTRY_UNAVAILABLE.
   */
  async check(schema: SchemaDefinition, root: string, now: Date): Promise<void> {
    let refreshed: { history: History; withdrawn: ReadonlySet<string> };
    try {
      refreshed = await this.#refresh(schema, now);
    } catch {
      return refuse("REGISTRY_UNAVAILABLE", "the trusted issuer set could not be built from the issuer registry; nothing was accepted");
    }
    const { history, withdrawn } = refreshed;
    if (history.current.set.root === root) return;
    const cutoff = now.getTime() - this.#maxRootAgeMs;
    const replaced = history.previous.filter((b) => b.set.root === root);
    if (replaced.length === 0) refuse("UNKNOWN_ISSUER_SET", "the request's trusted issuer set is not one this verifier built");
    // The same root may have been current more than once: any recent replacement counts.
    const recent = replaced.find((b) => b.replacedAtMs > cutoff);
    if (!recent) refuse("STALE_ISSUER_SET", "the request's trusted issuer set was replaced too long ago");
    if ([...recent.keys].some((key) => withdrawn.has(key))) {
      refuse("STALE_ISSUER_SET", "a key of the request's trusted issuer set was since retired or compromised");
    }
  }

  #refresh(schema: SchemaDefinition, now: Date): Promise<{ history: History; withdrawn: ReadonlySet<string> }> {
    const id = schemaIdField(schema).toString();
    const run = (this.#queue.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.#rebuild(id, schema, now));
    this.#queue.set(id, run);
    return run;
  }

  async #rebuild(id: string, schema: SchemaDefinition, now: Date): Promise<{ history: History; withdrawn: ReadonlySet<string> }> {
    const { members, withdrawn } = await this.#listing(schema, id, now);
    const fingerprint = JSON.stringify(members.map((m) => JSON.stringify(m)).sort());
    const history = this.#history.get(id);
    if (history && history.current.fingerprint === fingerprint) return { history, withdrawn };
    const set = buildIssuerSet(members, now);
    const built: Built = { set, fingerprint, keys: new Set(set.members.map((m) => m.publicKey)) };
    const next: History = history
      ? { current: built, previous: [{ ...history.current, replacedAtMs: now.getTime() }, ...history.previous].slice(0, MAX_PREVIOUS_ROOTS) }
      : { current: built, previous: [] };
    this.#history.set(id, next);
    return { history: next, withdrawn };
  }

  async #listing(schema: SchemaDefinition, schemaId: string, now: Date): Promise<Listing> {
    const { listed, registry } = this.#sources;
    const today = parseDate(utcDate(now), "now");
    const members: IssuerSetMember[] = [];
    const withdrawn = new Set<string>();
    const held = new Set<string>();
    if (registry) {
      if (typeof registry.listIssuers !== "function") {
        throw new MedzkError("INVALID_ARGUMENT", `hiding the issuer needs an issuer registry that can list its issuers ("listIssuers")`);
      }
      for (const issuer of await registry.listIssuers()) {
        const allowed = !issuer.schemas || issuer.schemas.includes(schema.id);
        const roots = allowed ? await registry.revocationRoots(issuer.id) : undefined;
        for (const key of issuer.keys) {
          held.add(key.publicKey);
          const status = key.status ?? "active";
          if (status !== "active") {
            withdrawn.add(key.publicKey);
            continue;
          }
          if (!allowed || (key.validUntil !== undefined && parseDate(key.validUntil, "validUntil") < today)) continue;
          const member: IssuerSetMember = { publicKey: key.publicKey, revocationRoot: roots?.current ?? EMPTY_REVOCATION_ROOT, schemaId };
          if (key.validFrom !== undefined) member.validFrom = key.validFrom;
          if (key.validUntil !== undefined) member.validUntil = key.validUntil;
          members.push(member);
        }
      }
    }
    for (const publicKey of listed) {
      if (!held.has(publicKey)) members.push({ publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId });
    }
    // A key both listed and held is in neither source's members: fail closed (./trust.ts).
    return { members: members.filter((m) => !(listed.has(m.publicKey) && held.has(m.publicKey))), withdrawn };
  }
}

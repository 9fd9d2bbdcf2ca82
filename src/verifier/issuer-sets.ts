/**
 * The verifier's trusted issuer sets, for requests that hide the issuer (core/issuer-set.ts,
 * circuits/lib/issuer_set.circom): one set per schema, built from the verifier's own trust
 * sources, and the history of its roots so that a proof against a recently replaced set is still
 * accepted when key mode would accept every credential it can hold.
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
 * Which set a proof may use (the key-mode rule is the reference: a hidden-issuer proof is
 * accepted at a moment only if key mode would accept, at that moment, a proof by *any* member of
 * the set, because the proof cannot say which member signed):
 * - the current set, rebuilt from the trust sources at every check;
 * - a replaced set, while BOTH hold:
 *   1. every member is still trusted now exactly as its leaf says: its key still listed (and not
 *      held), or still held by the registry, active, of an issuer still allowed the schema, with a
 *      validity window that still contains the leaf's window; and the leaf's revocation root is
 *      acceptable for the key's issuer *now* by the registry's own history (rootAcceptable: the
 *      current root, or one replaced less than maxRootAgeMs before `now`, measured from when
 *      the registry says it was replaced). So a retired, compromised or deleted key, a schema
 *      unpinned or a validity shortened refuses the old set at once, as key mode refuses at once,
 *      and a revocation ages the old set from the moment the issuer published the new root, not
 *      from when this verifier happened to rebuild (an idle or caching verifier included);
 *   2. it was replaced less than maxRootAgeMs before `now` (an extra bound: honest holders fetch
 *      the new set by then; it can only refuse more).
 *
 * NOTE: the history lives in memory, per verifier: after a restart the verifier knows only the
 * set it rebuilds, so in-flight requests naming an older set are refused (UNKNOWN_ISSUER_SET)
 * and the holder asks again.
 */
import { parseDate, utcDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { buildIssuerSet, type IssuerSet, type IssuerSetMember, OPEN_VALID_FROM, OPEN_VALID_UNTIL } from "../core/issuer-set.js";
import { EMPTY_REVOCATION_ROOT } from "../core/revocation.js";
import { type SchemaDefinition, schemaIdField } from "../core/schemas.js";
import { type IssuerKeyEntry, MAX_PREVIOUS_ROOTS, type RevocationRoots, rootAcceptable } from "./issuer-registry.js";
import { refuse } from "./refusal.js";
import type { TrustSources } from "./trust.js";

/** One built set. */
interface Built {
  set: IssuerSet;
  /** The member list's canonical JSON: the set is rebuilt (hashed) only when it changes. */
  fingerprint: string;
}

interface History {
  current: Built;
  /** Most recently replaced first, at most MAX_PREVIOUS_ROOTS. */
  previous: Array<Built & { replacedAtMs: number }>;
}

/** What the registry says now about one of its keys, for one schema. */
interface KeyState {
  key: IssuerKeyEntry;
  /** Whether the key's issuer may issue the schema now. */
  allowed: boolean;
  /** The issuer's revocation roots now (the empty root only when it publishes none). */
  roots: RevocationRoots;
}

/** The trust sources' view now: the members for one schema and the state of every held key. */
interface Listing {
  members: IssuerSetMember[];
  /** Every key the registry holds, whatever its status. */
  held: ReadonlyMap<string, KeyState>;
}

const EMPTY_ROOTS: RevocationRoots = { current: EMPTY_REVOCATION_ROOT, previous: [] };

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

  /**
   * The trust step in issuer mode "set": refuses (the verifier's codes) unless `root` is the
   * current set for `schema`, or a replaced set still acceptable at `now` (module header).
   * A registry that fails refuses REGISTRY_UNAVAILABLE.
   */
  async check(schema: SchemaDefinition, root: string, now: Date): Promise<void> {
    let refreshed: { history: History; listing: Listing };
    try {
      refreshed = await this.#refresh(schema, now);
    } catch {
      return refuse("REGISTRY_UNAVAILABLE", "the trusted issuer set could not be built from the issuer registry; nothing was accepted");
    }
    const { history, listing } = refreshed;
    if (history.current.set.root === root) return;
    const cutoff = now.getTime() - this.#maxRootAgeMs;
    const replaced = history.previous.filter((b) => b.set.root === root);
    if (replaced.length === 0) refuse("UNKNOWN_ISSUER_SET", "the request's trusted issuer set is not one this verifier built");
    // The same root may have been current more than once: any recent replacement counts.
    const recent = replaced.find((b) => b.replacedAtMs > cutoff);
    if (!recent) refuse("STALE_ISSUER_SET", "the request's trusted issuer set was replaced too long ago");
    let trusted: boolean;
    try {
      trusted = recent.set.members.every((member) => this.#stillTrusted(member, listing, now));
    } catch {
      return refuse("REGISTRY_UNAVAILABLE", "the issuer registry returned malformed data; nothing was accepted");
    }
    if (!trusted) {
      refuse("STALE_ISSUER_SET", "a member of the request's trusted issuer set was since withdrawn, restricted or revoked past the root age");
    }
  }

  /**
   * Whether key mode would accept, at `now`, every credential the member's leaf admits: the key
   * is trusted through the same source, still allowed the schema, its window contains the leaf's
   * window, and the leaf's revocation root is acceptable now by the registry's history.
   */
  #stillTrusted(member: IssuerSetMember, listing: Listing, now: Date): boolean {
    const state = listing.held.get(member.publicKey);
    if (this.#sources.listed.has(member.publicKey)) return state === undefined && member.revocationRoot === EMPTY_REVOCATION_ROOT;
    if (!state || !state.allowed || (state.key.status ?? "active") !== "active") return false;
    const day = (value: string | undefined, open: number) => (value === undefined ? open : parseDate(value, "day"));
    const leafFrom = day(member.validFrom, OPEN_VALID_FROM);
    const leafUntil = day(member.validUntil, OPEN_VALID_UNTIL);
    if (leafFrom < day(state.key.validFrom, OPEN_VALID_FROM) || leafUntil > day(state.key.validUntil, OPEN_VALID_UNTIL)) return false;
    const status = rootAcceptable(state.roots, member.revocationRoot, now, this.#maxRootAgeMs);
    return status === "current" || status === "recent";
  }

  #refresh(schema: SchemaDefinition, now: Date): Promise<{ history: History; listing: Listing }> {
    const id = schemaIdField(schema).toString();
    const run = (this.#queue.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.#rebuild(id, schema, now));
    this.#queue.set(id, run);
    return run;
  }

  async #rebuild(id: string, schema: SchemaDefinition, now: Date): Promise<{ history: History; listing: Listing }> {
    const listing = await this.#listing(schema, id, now);
    const fingerprint = JSON.stringify(listing.members.map((m) => JSON.stringify(m)).sort());
    const history = this.#history.get(id);
    if (history && history.current.fingerprint === fingerprint) return { history, listing };
    const built: Built = { set: buildIssuerSet(listing.members, now), fingerprint };
    const next: History = history
      ? { current: built, previous: [{ ...history.current, replacedAtMs: now.getTime() }, ...history.previous].slice(0, MAX_PREVIOUS_ROOTS) }
      : { current: built, previous: [] };
    this.#history.set(id, next);
    return { history: next, listing };
  }

  async #listing(schema: SchemaDefinition, schemaId: string, now: Date): Promise<Listing> {
    const { listed, registry } = this.#sources;
    const today = parseDate(utcDate(now), "now");
    const members: IssuerSetMember[] = [];
    const held = new Map<string, KeyState>();
    if (registry) {
      if (typeof registry.listIssuers !== "function") {
        throw new MedzkError("INVALID_ARGUMENT", `hiding the issuer needs an issuer registry that can list its issuers ("listIssuers")`);
      }
      for (const issuer of await registry.listIssuers()) {
        const allowed = !issuer.schemas || issuer.schemas.includes(schema.id);
        // Roots of an issuer not allowed the schema are never read (#stillTrusted refuses first).
        const roots = allowed ? ((await registry.revocationRoots(issuer.id)) ?? EMPTY_ROOTS) : EMPTY_ROOTS;
        for (const key of issuer.keys) {
          held.set(key.publicKey, { key, allowed, roots });
          if ((key.status ?? "active") !== "active") continue;
          if (!allowed || (key.validUntil !== undefined && parseDate(key.validUntil, "validUntil") < today)) continue;
          const member: IssuerSetMember = { publicKey: key.publicKey, revocationRoot: roots.current, schemaId };
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
    return { members: members.filter((m) => !(listed.has(m.publicKey) && held.has(m.publicKey))), held };
  }
}

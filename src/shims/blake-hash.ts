/**
 * The part of blake-hash's API that circomlibjs uses (`createBlakeHash(name).update(data).digest()`,
 * BLAKE-256/512 for EdDSA key derivation and Pedersen generators), on @noble/hashes.
 *
 * Only the browser bundle uses it (tsup.browser.config.ts swaps it in): blake-hash is built on Node
 * streams (readable-stream, events, buffer), which do not exist in a browser. The wallet never
 * signs, so this runs only if a page builds EdDSA keys or Pedersen bases; test/e2e/browser.test.ts
 * checks it against blake-hash byte for byte anyway.
 */
import { blake224, blake256, blake384, blake512 } from "@noble/hashes/blake1";
import { utf8ToBytes } from "@noble/hashes/utils";

const HASHES = { blake224, blake256, blake384, blake512 } as const;

export interface BlakeHash {
  update(data: string | Uint8Array): BlakeHash;
  digest(): Uint8Array;
}

export default function createBlakeHash(algorithm: string): BlakeHash {
  const hash = HASHES[algorithm.toLowerCase() as keyof typeof HASHES];
  if (!hash) throw new TypeError(`unsupported BLAKE variant ${JSON.stringify(algorithm)}`);
  const state = hash.create();
  let done = false;
  const self: BlakeHash = {
    update(data) {
      if (done) throw new Error("Digest already called");
      // blake-hash reads strings as UTF-8 (Buffer.from's default).
      state.update(typeof data === "string" ? utf8ToBytes(data) : data);
      return self;
    },
    digest() {
      if (done) throw new Error("Digest already called");
      done = true;
      return state.digest();
    },
  };
  return self;
}

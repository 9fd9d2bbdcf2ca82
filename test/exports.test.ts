import { expect, it } from "vitest";
import * as api from "../src/index.js";

it("the public API is exactly this", () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "BUILTIN_SCHEMAS",
      "EMPTY_REVOCATION_ROOT",
      "JsonFileIssuerRegistry",
      "MedzkError",
      "MemoryChallengeStore",
      "MemoryIssuerRegistry",
      "NEVER_EXPIRES",
      "REVOCATION_CAPACITY",
      "RedisChallengeStore",
      "RevocationRegistry",
      "buildCircuitInput",
      "checkCredential",
      "createHolder",
      "createVerifier",
      "defineSchema",
      "derivePublicKey",
      "encodeString",
      "generateIssuerKey",
      "issueCredential",
      "prove",
    ]
  `);
});

import { expect, it } from "vitest";
import * as api from "../src/index.js";

it("the public API is exactly this", () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "BUILTIN_SCHEMAS",
      "MedzkError",
      "MemoryChallengeStore",
      "buildCircuitInput",
      "checkCredential",
      "createHolder",
      "createVerifier",
      "derivePublicKey",
      "generateIssuerKey",
      "issueCredential",
      "prove",
    ]
  `);
});

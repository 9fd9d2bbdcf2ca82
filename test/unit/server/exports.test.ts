import { expect, it } from "vitest";
import * as server from "../../../src/server.js";

it("the medzk/server API is exactly this", () => {
  expect(Object.keys(server).sort()).toMatchInlineSnapshot(`
    [
      "createVerifierService",
      "loadServiceConfig",
      "parseServiceConfig",
    ]
  `);
});

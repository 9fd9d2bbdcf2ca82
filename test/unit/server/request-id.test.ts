import { describe, expect, it } from "vitest";
import { requestIdOf } from "../../../src/server/request-id.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("requestIdOf", () => {
  it("keeps an id of 1 to 128 plain characters", () => {
    for (const id of ["a", "0f8fad5b-d9cb-469f-a165-70867728950e", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "edge/7f3a:42", "dGVzdA==", "user@host", "a.b_c-d+e", "k".repeat(128)]) {
      expect(requestIdOf(id)).toBe(id);
    }
  });

  it("makes a fresh UUID for a missing, repeated or unacceptable id", () => {
    const refused: Array<string | string[] | undefined> = [
      undefined,
      "",
      ["a", "b"],
      "a, b",
      "k".repeat(129),
      "has space",
      "tab\there",
      'quote"}',
      "line\nbreak",
      "ünïcode",
      "<script>",
      "semi;colon",
      "back\\slash",
    ];
    const made = refused.map((id) => requestIdOf(id));
    for (const id of made) expect(id).toMatch(UUID);
    expect(new Set(made).size).toBe(made.length);
  });
});

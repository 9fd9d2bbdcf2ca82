import { describe, expect, it } from "vitest";
import { ServiceMetrics } from "../../../src/server/metrics.js";

const sample = (text: string, series: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("ServiceMetrics", () => {
  it("exports the error counters at zero before anything happened", async () => {
    const { contentType, body } = await new ServiceMetrics().exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(body, "medzk_challenge_store_errors_total")).toBe(0);
    expect(sample(body, "medzk_issuer_registry_errors_total")).toBe(0);
    for (const operation of ["append", "read", "checkpoint"]) expect(sample(body, `medzk_audit_errors_total{operation="${operation}"}`)).toBe(0);
  });

  it("counts results by code, observes batch sizes only for batches, and keeps services apart", async () => {
    const a = new ServiceMetrics();
    const b = new ServiceMetrics();
    a.verification("verify", 0.02, ["OK"]);
    a.verification("verify-batch", 0.5, ["OK", "INVALID_PROOF", "INVALID_PROOF"]);
    a.challengeStoreError();
    a.auditError("checkpoint");
    a.request("POST", "/v1/verify", 200, 0.03);
    const text = (await a.exposition()).body;
    expect(sample(text, 'medzk_verification_results_total{endpoint="verify",code="OK"}')).toBe(1);
    expect(sample(text, 'medzk_verification_results_total{endpoint="verify-batch",code="INVALID_PROOF"}')).toBe(2);
    expect(sample(text, 'medzk_verification_duration_seconds_count{endpoint="verify"}')).toBe(1);
    expect(sample(text, 'medzk_verification_duration_seconds_bucket{le="0.025",endpoint="verify"}')).toBe(1);
    expect(sample(text, "medzk_verify_batch_size_count")).toBe(1);
    expect(sample(text, "medzk_verify_batch_size_sum")).toBe(3);
    expect(sample(text, "medzk_challenge_store_errors_total")).toBe(1);
    expect(sample(text, 'medzk_audit_errors_total{operation="checkpoint"}')).toBe(1);
    expect(sample(text, 'medzk_http_requests_total{method="POST",route="/v1/verify",status="200"}')).toBe(1);
    // Another service's registry saw none of it.
    const other = (await b.exposition()).body;
    expect(sample(other, "medzk_challenge_store_errors_total")).toBe(0);
    expect(sample(other, 'medzk_verification_results_total{endpoint="verify",code="OK"}')).toBeUndefined();
  });
});

// Drives POST /v1/verify on one or more service instances with autocannon (loopback, a fixed
// number of calls), each call's body taken in order from `bodies`, and tallies what came back:
// status codes, result codes, and which challenges were accepted, by whom (to count double
// acceptances across instances). Shared by bench/load.mjs and the short load test
// (test/integration/server/load.test.ts).
import autocannon from "autocannon";

/**
 * Sends `amount` calls (default `bodies.length`; the bodies are cycled through; or as many as fit
 * in `duration` seconds) round-robin over `urls`, `connections` at a time, calls `onAccepted`
 * with the challenge of every accepted presentation, and resolves to
 * { calls, seconds, rps, p50, p99, statuses, codes, accepted } where `accepted` maps each accepted
 * challenge to the number of times it was accepted (more than 1 would be a double acceptance).
 */
export async function drive({ urls, bodies, connections, duration, amount, onAccepted }) {
  let next = 0;
  const statuses = {};
  const codes = {};
  const accepted = new Map();
  const requests = [
    {
      method: "POST",
      path: "/v1/verify",
      headers: { "content-type": "application/json" },
      setupRequest: (request) => {
        // A soak (duration) cycles through the bodies; a counted run sends each once.
        const body = bodies[next++ % bodies.length];
        return { ...request, body };
      },
      onResponse: (status, body) => {
        lastResponse = performance.now();
        statuses[status] = (statuses[status] ?? 0) + 1;
        let code;
        try {
          const json = JSON.parse(body);
          if (json.result) {
            code = json.result.ok ? "OK" : json.result.error.code;
            if (json.result.ok) {
              accepted.set(json.result.challenge, (accepted.get(json.result.challenge) ?? 0) + 1);
              onAccepted?.(json.result.challenge);
            }
          } else code = `HTTP ${json.error?.code ?? status}`;
        } catch {
          code = `HTTP ${status} (not JSON)`;
        }
        codes[code] = (codes[code] ?? 0) + 1;
      },
    },
  ];
  const started = performance.now();
  let lastResponse = started;
  const result = await autocannon({
    url: urls,
    // autocannon refuses more connections than calls.
    connections: duration ? connections : Math.min(connections, amount ?? bodies.length),
    pipelining: 1,
    ...(duration ? { duration } : { amount: amount ?? bodies.length }),
    timeout: 30,
    requests,
  });
  // Up to the last response, not until autocannon resolves: a counted run ends on its next
  // one-second tick (measured: every run lasted a whole number of seconds plus ~20 ms), which
  // made 20,000 replays in 4.3 s read as 5.0 s.
  const seconds = (lastResponse - started) / 1000;
  const calls = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    calls,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: round(seconds),
    rps: round(calls / seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    codes,
    accepted,
  };
}

const round = (x) => Math.round(x * 10) / 10;

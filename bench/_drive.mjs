// Drives POST /v1/verify on one or more service instances (loopback, a fixed number of calls),
// closed loop with autocannon (drive) or open loop at a fixed rate over node:http (pace), each
// call's body taken in order from `bodies`, and tallies what came back:
// status codes, result codes, and which challenges were accepted, by whom (to count double
// acceptances across instances). Shared by bench/load.mjs and the short load test
// (test/integration/server/load.test.ts).
import http from "node:http";
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
  const { statuses, codes, accepted, tally } = tallies(onAccepted);
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
        tally(status, body);
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

/**
 * Open loop at a fixed offered rate, the way a latency objective is stated ("p99 under 100 ms at
 * 500 calls/s"): call k is due at k / rate seconds whether or not earlier calls have answered,
 * round-robin over `urls`, over at most `connections` keep-alive sockets in all (a call due while
 * all are busy waits for one, as in a client with that many connections). Each call's latency
 * runs from when it was due, not from when a socket took it, so a stalled service shows in the
 * figures instead of slowing the sender down (the "coordinated omission" of closed loops).
 * autocannon's own rate option does not do this: each connection sends its quota for the second
 * back to back and then waits for the next second, so the calls come in bursts.
 * Resolves like drive(), plus `offered` (the rate asked), `lateStarts` (calls that got their
 * socket more than 1 ms after they were due: no connection free, or this process's own event loop
 * late) and `peakInFlight` (the most calls due and not yet answered, those waiting for a
 * connection included).
 */
export async function pace({ urls, bodies, connections, rate, amount, onAccepted, timeoutSeconds = 30 }) {
  if (!(Number.isInteger(amount) && amount >= 1) || !(rate > 0) || !(Number.isInteger(connections) && connections >= urls.length) || urls.length === 0) {
    throw new Error(`pace: amount (${amount}) a whole number ≥ 1, rate (${rate}) > 0, connections (${connections}) at least one per url (${urls.length})`);
  }
  const { statuses, codes, accepted, tally } = tallies(onAccepted);
  // maxSockets counts per host and port: `connections` in all, split evenly between the
  // instances (rounded down), which must each have a host and port of their own.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.floor(connections / urls.length) });
  const targets = urls.map((u) => new URL(u));
  const latencies = new Float64Array(amount);
  let errors = 0;
  let timeouts = 0;
  let lateStarts = 0;
  let sent = 0;
  let done = 0;
  let peakInFlight = 0;
  let lastResponse = performance.now();
  const started = lastResponse;
  // Call k, due at `due`: settles exactly once, on its answer, an error, a closed connection or
  // `timeoutSeconds` without an answer (counted, as autocannon does, and timed like the others:
  // a failed call belongs in the tail a caller sees).
  const send = (k, due) =>
    new Promise((resolve) => {
      const target = targets[k % targets.length];
      const body = bodies[k % bodies.length];
      let settled = false;
      const settle = (outcome, status, text) => {
        if (settled) return;
        settled = true;
        lastResponse = performance.now();
        latencies[k] = lastResponse - due;
        if (outcome === "answer") tally(status, text);
        else if (outcome === "timeout") timeouts++;
        else errors++;
        resolve();
      };
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          const chunks = [];
          response.on("data", (c) => chunks.push(c));
          response.on("end", () => settle("answer", response.statusCode, Buffer.concat(chunks).toString("utf8")));
          response.on("error", () => settle("error"));
          // A connection closed mid-answer emits neither "end" nor "error" on the response.
          response.on("close", () => settle("error"));
        },
      );
      request.setTimeout(timeoutSeconds * 1000, () => {
        settle("timeout");
        request.destroy();
      });
      request.on("socket", () => {
        if (performance.now() - due > 1) lateStarts++;
      });
      request.on("error", () => settle("error"));
      request.on("close", () => settle("error")); // a no-op once answered
      request.end(body);
    });
  await new Promise((resolve) => {
    const tick = () => {
      // Every call due by now, at its own due time (a timer fires late by a few ms at times).
      const now = performance.now();
      while (sent < amount && started + (sent * 1000) / rate <= now) {
        const k = sent++;
        peakInFlight = Math.max(peakInFlight, sent - done);
        void send(k, started + (k * 1000) / rate).then(() => ++done === amount && resolve());
      }
      if (sent < amount) setTimeout(tick, Math.max(0, started + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  agent.destroy();
  const sorted = latencies.toSorted();
  const at = (q) => Math.round(sorted[Math.min(amount - 1, Math.ceil(q * amount) - 1)]);
  const seconds = Math.max(1e-3, (lastResponse - started) / 1000);
  return {
    calls: done - errors - timeouts,
    errors,
    timeouts,
    seconds: round(seconds),
    rps: round((done - errors - timeouts) / seconds),
    offered: rate,
    lateStarts,
    peakInFlight,
    p50: at(0.5),
    p99: at(0.99),
    statuses,
    codes,
    accepted,
  };
}

/** Counters of what came back: statuses, result codes, and how often each challenge was accepted. */
function tallies(onAccepted) {
  const statuses = {};
  const codes = {};
  const accepted = new Map();
  const tally = (status, body) => {
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
  };
  return { statuses, codes, accepted, tally };
}

const round = (x) => Math.round(x * 10) / 10;

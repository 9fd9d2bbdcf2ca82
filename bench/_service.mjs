// One verifier service instance for bench/load.mjs, in a process of its own (as deployed: each
// instance has its own event loop). Reads its config (JSON) from argv[2], prints
// `{"url": …, "pid": …}` once listening, closes gracefully on SIGTERM.
// With argv[3] "logs", it logs as deployed (level info, one line per request) to /dev/null, so
// the cost of logging is in the measurement; otherwise it logs nothing.
import { pino } from "pino";
import { createVerifierService, parseServiceConfig } from "../dist/server.js";

const logger = process.argv[3] === "logs" ? pino.destination({ dest: "/dev/null", sync: false }) : false;
const service = await createVerifierService(parseServiceConfig(JSON.parse(process.argv[2])), { logger });
const url = await service.listen();
console.log(JSON.stringify({ url, pid: process.pid }));
process.once("SIGTERM", () => service.close().then(() => process.exit(0)));

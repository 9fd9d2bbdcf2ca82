// One verifier service instance for bench/load.mjs, in a process of its own (as deployed: each
// instance has its own event loop). Reads its config (JSON) from argv[2], prints
// `{"url": …, "pid": …}` once listening, closes gracefully on SIGTERM.
import { createVerifierService, parseServiceConfig } from "../dist/server.js";

const service = await createVerifierService(parseServiceConfig(JSON.parse(process.argv[2])), { logger: false });
const url = await service.listen();
console.log(JSON.stringify({ url, pid: process.pid }));
process.once("SIGTERM", () => service.close().then(() => process.exit(0)));

// A free TCP port on the loopback interface, for servers a test or benchmark starts itself
// (redis-server, a second listener). Plain JavaScript so that bench/ scripts run it without a
// build; test/helpers/free-port.d.mts types it for the TypeScript tests.
// NOTE: the port is free when this resolves, not reserved: another process could take it before
// the caller binds it. Good enough on a test machine; never for anything exposed.
import { createServer } from "node:net";

/** Resolves to a port nothing listens on at 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

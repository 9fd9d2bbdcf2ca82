/**
 * Where Prometheus scrapes the metrics (./metrics.ts): a route beside the API, or a listener of
 * its own (`metrics.listen`) that only the scraper reaches.
 */
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyPluginAsync } from "fastify";
import { errorFacts } from "./logger.js";
import type { ServiceContext } from "./service-context.js";

/** GET `metrics.path` on the API's listener (when metrics are on and have no listener of their own). */
export const metricsRoute: FastifyPluginAsync<{ context: ServiceContext }> = async (app, { context }) => {
  const { metrics, metricsConfig } = context;
  if (!metrics || metricsConfig === false || metricsConfig.listen !== undefined) return;
  app.get(metricsConfig.path, async (_request, reply) => {
    const { contentType, body } = await metrics.exposition();
    return reply.type(contentType).send(body);
  });
};

/** The metrics' own listener, when `metrics.listen` asks for one. */
export interface MetricsListener {
  /** Listens; resolves to the scrape URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function metricsListener(context: ServiceContext): MetricsListener | undefined {
  const { metrics, metricsConfig, logger } = context;
  if (!metrics || metricsConfig === false || metricsConfig.listen === undefined) return undefined;
  const { path, listen: at } = metricsConfig;
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || new URL(req.url ?? "/", "http://x").pathname !== path) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "NOT_FOUND", message: `metrics are at GET ${path}` } }));
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
      (error: unknown) => {
        logger?.error({ err: errorFacts(error) }, "metrics not collected");
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "INTERNAL_ERROR", message: "internal error" } }));
      },
    );
  });
  return {
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: at.host, port: at.port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return `http://${urlHost(at.host)}:${(server.address() as AddressInfo).port}${path}`;
    },
    async close() {
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A host as written in a URL: IPv6 addresses in brackets. */
const urlHost = (host: string): string => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);

/**
 * The optional HTTP listener for operators (HEALTH_PORT): `GET /healthz` runs every health check and
 * answers 200 when all pass, 503 otherwise, with a JSON body saying which failed and why;
 * `GET /metrics` is the Prometheus text exposition. Nothing else is served.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';

/** A check passes with `true`, or fails with a sentence saying what is wrong. */
export type HealthCheck = () => true | string | Promise<true | string>;

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  checks: Record<string, HealthCheck>;
  /** The metrics text and its content type; without it /metrics is 404. */
  metrics?: { text: () => Promise<string>; contentType: string };
  logger: Logger;
}

export interface HealthServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: true } | { ok: false; error: string }>;
}

export async function runChecks(checks: Record<string, HealthCheck>): Promise<HealthReport> {
  const report: HealthReport = { ok: true, checks: {} };
  for (const [name, check] of Object.entries(checks)) {
    let result: true | string;
    try {
      result = await check();
    } catch (error) {
      result = (error as Error)?.message ?? String(error);
    }
    report.checks[name] = result === true ? { ok: true } : { ok: false, error: result };
    if (result !== true) report.ok = false;
  }
  return report;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { logger } = options;
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return sendJson(response, 405, { error: 'only GET and HEAD are served' });
    }
    if (path === '/healthz') {
      const report = await runChecks(options.checks);
      return sendJson(response, report.ok ? 200 : 503, report);
    }
    if (path === '/metrics' && options.metrics) {
      const text = await options.metrics.text();
      response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      return void response.end(text);
    }
    sendJson(response, 404, { error: 'not found: GET /healthz or /metrics' });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'health server request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  logger.info({ host: options.host, port, url }, 'health and metrics listening');
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

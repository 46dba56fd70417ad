/**
 * `npm run rest-proxy` (`node dist/rest-proxy-main.js`): the shared Discord REST proxy. Start one per
 * bot and set REST_PROXY_URL in every shard process to its address, so Discord's global limit (50
 * requests per second per bot) holds across all of them.
 */
import { loadConfig, loadDotEnv } from './config.js';
import { chooseLogFormat, createLogger } from './log.js';
import { startRestProxy } from './sharding/rest-proxy.js';
import { SHUTDOWN_SIGNALS } from './shutdown.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL ?? 'info', undefined, chooseLogFormat(config.LOG_FORMAT, { terminal: process.stderr.isTTY, consoleMode: false })).child({ component: 'rest-proxy' });
  const proxy = await startRestProxy({ apiUrl: config.DISCORD_API_URL, host: config.REST_PROXY_HOST, port: config.REST_PROXY_PORT, logger });
  logger.info({ url: proxy.url, upstream: config.DISCORD_API_URL }, 'REST proxy listening');
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, () => {
      void proxy.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`The REST proxy could not start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});

import type { Client } from 'discord.js';
import { withTimeout } from '../bot/timeout.js';

/** How long `/stats` waits for the other shard processes to report. */
export const TOTALS_TIMEOUT_MS = 2000;

export interface BotTotals {
  /** Servers the bot is in: across every shard process of this machine's launcher, or this process's shards. */
  servers: number;
  /** Shards whose servers are counted, and the shards there are in all. */
  shardsCounted: number;
  shardCount: number;
  /** Resident memory of the processes counted (bytes). */
  rssBytes: number;
  processes: number;
}

const sum = (values: unknown[]) => values.reduce<number>((total, value) => total + (typeof value === 'number' ? value : 0), 0);

/**
 * Totals for `/stats`. Under the sharding launcher every shard process is asked through discord.js's
 * sharding API (fetchClientValues, broadcastEval); a process running its own shards (one machine of
 * several, or `npm start`) counts its own. A launcher whose shards do not all answer in time also
 * counts only this process.
 */
export async function botTotals(client: Client, timeoutMs = TOTALS_TIMEOUT_MS): Promise<BotTotals> {
  const shardCount = client.options.shardCount ?? 1;
  const local = (): BotTotals => ({
    servers: client.guilds.cache.size,
    shardsCounted: Array.isArray(client.options.shards) ? client.options.shards.length : 1,
    shardCount,
    rssBytes: process.memoryUsage().rss,
    processes: 1,
  });
  const shard = client.shard;
  if (!shard) return local();
  try {
    const [servers, memory] = await withTimeout(Promise.all([shard.fetchClientValues('guilds.cache.size'), shard.broadcastEval(() => process.memoryUsage().rss)]), timeoutMs, 'shard totals');
    return { servers: sum(servers), shardsCounted: servers.length, shardCount: shard.count, rssBytes: sum(memory), processes: memory.length };
  } catch {
    return local();
  }
}

import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { InProcessEvents, StoreChangeFeed, type ClusterEvents } from './events.js';

/**
 * How this process hears of changes made by the others: one shard of one runs alone (in-process);
 * with several shards, other processes share the database, so its change feed carries them.
 */
export async function clusterEvents(config: Pick<Config, 'shards'>, store: Store, logger: Logger): Promise<ClusterEvents> {
  if (config.shards.count === 1) return new InProcessEvents();
  const feed = new StoreChangeFeed(store, logger);
  await feed.start();
  return feed;
}

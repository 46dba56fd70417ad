import type { ShardPlan } from './shard-plan.js';

/**
 * The health listener's port for this process. Shard processes started by the sharding launcher
 * share one environment, so shard N listens on HEALTH_PORT + N (0 stays 0: a free port each); a
 * process started on its own uses HEALTH_PORT as it is.
 */
export function healthPortOf(port: number, shards: ShardPlan, env: NodeJS.ProcessEnv): number {
  const launched = env.SHARDING_MANAGER === 'true';
  if (!launched || port === 0) return port;
  return port + shards.ids[0]!;
}

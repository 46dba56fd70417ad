import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { healthPortOf } from '../../src/sharding/health-port.js';
import { describeShards, parseShardIds, shardOfGuild, shardPlan } from '../../src/sharding/shard-plan.js';

describe('shard plans', () => {
  it('reads ranges and lists of shard ids', () => {
    expect(parseShardIds('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseShardIds('5, 0,2')).toEqual([0, 2, 5]);
    expect(parseShardIds('0-1,4-5,1')).toEqual([0, 1, 4, 5]);
    expect(parseShardIds('3-1')).toMatch(/runs backwards \(write 1-3\)/);
    expect(parseShardIds('one')).toMatch(/"one" is not a shard id/);
    expect(parseShardIds('0-9999')).toMatch(/too large/);
  });

  it('is one shard of one by default, every shard with SHARD_COUNT alone, and a range of them with both', () => {
    expect(shardPlan(undefined, undefined)).toEqual({ ids: [0], count: 1 });
    expect(shardPlan(undefined, 3)).toEqual({ ids: [0, 1, 2], count: 3 });
    expect(shardPlan('4-7', 8)).toEqual({ ids: [4, 5, 6, 7], count: 8 });
    expect(shardPlan('0-3', undefined)).toEqual([expect.stringMatching(/^SHARD_IDS: needs SHARD_COUNT/)]);
    expect(shardPlan('6-8', 8)).toEqual(['SHARD_IDS: shard 8 does not exist with SHARD_COUNT=8 (ids run from 0 to 7)']);
  });

  it('comes from the configuration, with friendly errors, and from the launcher inside a shard process', () => {
    expect(loadConfig({}).shards).toEqual({ ids: [0], count: 1 });
    expect(loadConfig({ SHARD_IDS: '0-3', SHARD_COUNT: '8' }).shards).toEqual({ ids: [0, 1, 2, 3], count: 8 });
    expect(() => loadConfig({ SHARD_IDS: '0-3' })).toThrow(ConfigError);
    expect(() => loadConfig({ SHARD_IDS: '0-3' })).toThrow(/SHARD_IDS: needs SHARD_COUNT/);
    expect(() => loadConfig({ SHARD_COUNT: '0' })).toThrow(/SHARD_COUNT: must be at least 1/);
    expect(() => loadConfig({ REST_PROXY_URL: 'proxy' })).toThrow(/REST_PROXY_URL: must be a URL/);
    // discord.js's ShardingManager tells each shard process its shard; the launcher's SHARD_IDS is its own.
    expect(loadConfig({ SHARDING_MANAGER: 'true', SHARDS: '5', SHARD_COUNT: '8', SHARD_IDS: '4-7' }).shards).toEqual({ ids: [5], count: 8 });
  });

  it('gives each launched shard process its own health port', () => {
    const plan = { ids: [5], count: 8 };
    expect(healthPortOf(9100, plan, { SHARDING_MANAGER: 'true' })).toBe(9105);
    expect(healthPortOf(0, plan, { SHARDING_MANAGER: 'true' })).toBe(0);
    expect(healthPortOf(9100, { ids: [4, 5, 6, 7], count: 8 }, {})).toBe(9100);
  });

  it("labels a shard process's metrics with its shards, and a single process's not at all", async () => {
    const sharded = await new BotMetrics({ shard: '0-3', indexSize: () => ({ guides: 2, sections: 3, chunks: 4 }) }).text();
    expect(sharded).toMatch(/^guidebot_index_chunks\{shard="0-3"\} 4$/m);
    expect(sharded).toMatch(/^process_resident_memory_bytes\{shard="0-3"\} \d+$/m);
    const single = await new BotMetrics({ indexSize: () => ({ guides: 2, sections: 3, chunks: 4 }) }).text();
    expect(single).toMatch(/^guidebot_index_chunks 4$/m);
  });

  it("finds a guild's shard as Discord does, and names ranges compactly", () => {
    expect(shardOfGuild(String(300_000_000_001n << 22n), 2)).toBe(1);
    expect(shardOfGuild('41771983423143937', 1)).toBe(0);
    expect(describeShards([0, 1, 2, 3, 6, 8, 9])).toBe('0-3,6,8-9');
  });
});

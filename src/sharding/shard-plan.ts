/**
 * Which gateway shards this machine runs. Discord splits a bot's servers over `count` shards by
 * `(guild_id >> 22) % count`; every machine must use the same count, and each runs its own ids
 * (SHARD_IDS=0-3 on one machine and 4-7 on the other, with SHARD_COUNT=8 on both).
 */
export interface ShardPlan {
  /** The shard ids this machine runs, ascending. */
  ids: number[];
  /** Shards across every machine. */
  count: number;
}

/** Discord's largest bots run a few thousand shards; anything beyond this is a typo. */
export const MAX_SHARD_COUNT = 4096;

/** One shard, shard 0 of 1: what `npm start` runs when nothing is set. */
export const SINGLE_SHARD: ShardPlan = { ids: [0], count: 1 };

/** Parses "0-3", "0,2,5" or "0-1,4-5" into ascending shard ids. Returns a sentence saying what is wrong otherwise. */
export function parseShardIds(text: string): number[] | string {
  const ids = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!match) return `"${part}" is not a shard id or a range of them (write e.g. 0-3 or 0,2,5)`;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) return `the range "${part}" runs backwards (write ${to}-${from})`;
    if (to >= MAX_SHARD_COUNT) return `shard id ${to} is too large (at most ${MAX_SHARD_COUNT - 1})`;
    for (let id = from; id <= to; id += 1) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * The plan from SHARD_IDS and SHARD_COUNT: both unset is one shard; SHARD_COUNT alone means this
 * machine runs every shard; SHARD_IDS needs SHARD_COUNT (the count must be the same on every machine,
 * so it is never guessed). Returns the problems, each naming its variable, when the two disagree.
 */
export function shardPlan(ids: string | undefined, count: number | undefined): ShardPlan | string[] {
  if (ids === undefined && count === undefined) return SINGLE_SHARD;
  if (count === undefined) return ['SHARD_IDS: needs SHARD_COUNT, the number of shards across every machine (for example SHARD_IDS=0-3 with SHARD_COUNT=8)'];
  if (ids === undefined) return { ids: [...Array(count).keys()], count };
  const parsed = parseShardIds(ids);
  if (typeof parsed === 'string') return [`SHARD_IDS: ${parsed}`];
  const outside = parsed.filter((id) => id >= count);
  if (outside.length > 0) return [`SHARD_IDS: shard ${outside.join(', ')} does not exist with SHARD_COUNT=${count} (ids run from 0 to ${count - 1})`];
  return { ids: parsed, count };
}

/** The shard that receives a server's events: `(guild_id >> 22) % count`, as Discord assigns them. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** "0-3", "0, 2, 5": for logs and metric labels. */
export function describeShards(ids: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < ids.length;) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j += 1;
    runs.push(i === j ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}

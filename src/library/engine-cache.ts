import type { BookEngine } from './engine-factory.js';

/**
 * The loaded engines of servers' own libraries, least recently used first out, within a memory
 * budget. Each entry's cost is the resident memory measured while it loaded (never below a floor,
 * since a load that ran beside a garbage collection can measure nothing). The shared engines are
 * not kept here: they are never evicted.
 */

/** The least a loaded library is counted as, when its measured growth was smaller (or negative). */
export const MIN_LIBRARY_COST_BYTES = 2 * 1024 * 1024;

export interface CachedEngine {
  key: string;
  engine: BookEngine;
  /** What it was built from (to tell whether it is still current). */
  specHash: string;
  indexDir: string;
  costBytes: number;
}

export class EngineCache {
  private readonly entries = new Map<string, CachedEngine>();

  constructor(
    private readonly budgetBytes: number,
    private readonly onEvict: (entry: CachedEngine) => void = () => {},
  ) {}

  get(key: string): CachedEngine | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Re-inserting moves it to the end: the map's order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  peek(key: string): CachedEngine | undefined {
    return this.entries.get(key);
  }

  /** Adds (or replaces) an entry, then evicts the least recently used others until the total fits. */
  set(entry: CachedEngine): void {
    this.entries.delete(entry.key);
    this.entries.set(entry.key, { ...entry, costBytes: Math.max(MIN_LIBRARY_COST_BYTES, entry.costBytes) });
    for (const [key, other] of this.entries) {
      if (this.totalBytes() <= this.budgetBytes) break;
      if (key === entry.key) continue;
      this.entries.delete(key);
      this.onEvict(other);
    }
  }

  delete(key: string): CachedEngine | undefined {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  totalBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.costBytes;
    return total;
  }

  get size(): number {
    return this.entries.size;
  }
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Embedder } from './embedder.js';

/**
 * Embeddings keyed by (model, text) hash, so an unchanged corpus rebuilds without running the model
 * and an edited guide re-embeds only the text that changed.
 */
export class EmbeddingCache {
  private readonly db: Database.Database;
  private readonly getStatement: Database.Statement<[string], { vector: Buffer }>;
  private readonly putStatement: Database.Statement<[string, Buffer]>;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // A cache: after a power cut it may lack the last vectors written (they are computed again), and WAL
    // keeps it consistent. Not syncing every commit to disk saved about 40% of the commits' time in a build.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID');
    this.getStatement = this.db.prepare('SELECT vector FROM embeddings WHERE key = ?');
    this.putStatement = this.db.prepare('INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)');
  }

  static key(modelIdentity: string, text: string): string {
    return createHash('sha256').update(modelIdentity).update('\0').update(text).digest('hex');
  }

  /** Embeds texts, computing only those not cached. Reports how many were computed. */
  async embed(
    embedder: Pick<Embedder, 'identity' | 'embed' | 'dimension'>,
    texts: string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ vectors: Float32Array[]; computed: number }> {
    const keys = texts.map((text) => EmbeddingCache.key(embedder.identity, text));
    const vectors: (Float32Array | undefined)[] = keys.map((key) => {
      const row = this.getStatement.get(key);
      if (!row) return undefined;
      const vector = new Float32Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength));
      return vector.length === embedder.dimension ? vector : undefined;
    });
    const missing = vectors.flatMap((vector, index) => (vector === undefined ? [index] : []));
    const step = 64;
    for (let start = 0; start < missing.length; start += step) {
      const batch = missing.slice(start, start + step);
      const computed = await embedder.embed(batch.map((index) => texts[index]!));
      this.db.transaction(() => {
        batch.forEach((index, i) => {
          vectors[index] = computed[i]!;
          this.putStatement.run(keys[index]!, Buffer.from(computed[i]!.buffer, computed[i]!.byteOffset, computed[i]!.byteLength));
        });
      })();
      onProgress?.(Math.min(start + step, missing.length), missing.length);
    }
    return { vectors: vectors as Float32Array[], computed: missing.length };
  }

  /** Deletes every vector whose text is not among `texts` (e.g. of a guide that was removed). Returns how many went. */
  retainOnly(modelIdentity: string, texts: readonly string[]): number {
    const keep = new Set(texts.map((text) => EmbeddingCache.key(modelIdentity, text)));
    const all = this.db.prepare<[], { key: string }>('SELECT key FROM embeddings').all();
    const remove = this.db.prepare<[string]>('DELETE FROM embeddings WHERE key = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const { key } of all)
        if (!keep.has(key)) {
          remove.run(key);
          removed++;
        }
    })();
    return removed;
  }

  close(): void {
    this.db.close();
  }
}

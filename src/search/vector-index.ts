import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** HNSW graph parameters: M links per node, efConstruction at build and ef at query time. */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 200;
export const HNSW_EF_SEARCH = 64;
/** Fixed so that the same vectors always give the same graph file. */
const RANDOM_SEED = 42;

export interface DenseHit {
  label: number;
  /** Cosine similarity. */
  similarity: number;
}

/** A cosine HNSW index over labelled vectors (hnswlib-node). */
export class VectorIndex {
  private deleted = 0;

  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimension: number,
  ) {
    index.setEf(HNSW_EF_SEARCH);
  }

  static create(dimension: number, capacity: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({ maxElements: Math.max(1, capacity), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: RANDOM_SEED, allowReplaceDeleted: true });
    return new VectorIndex(index, dimension);
  }

  static read(file: string, dimension: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file, true);
    return new VectorIndex(index, dimension);
  }

  /** Live (not deleted) vectors. */
  get count(): number {
    return this.index.getCurrentCount() - this.deleted;
  }

  add(label: number, vector: Float32Array): void {
    if (vector.length !== this.dimension) throw new Error(`vector has ${vector.length} dimensions, the index ${this.dimension}`);
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(Math.max(16, Math.ceil(this.index.getMaxElements() * 1.5)));
    }
    this.index.addPoint(Array.from(vector), label);
  }

  remove(label: number): void {
    this.index.markDelete(label);
    this.deleted++;
  }

  search(vector: Float32Array, k: number): DenseHit[] {
    const n = Math.min(k, this.count);
    if (n <= 0) return [];
    this.index.setEf(Math.max(HNSW_EF_SEARCH, n));
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }
}

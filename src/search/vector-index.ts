import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** HNSW graph parameters: M links per node, efConstruction at build and ef at query time. */
export interface HnswParameters {
  m: number;
  efConstruction: number;
  efSearch: number;
}

/**
 * Parameters by corpus size (chunks), the smallest tier first. A larger graph needs more links and a wider
 * search for the same recall; these keep recall@10 against an exact scan at 0.95 or more at the benchmark's
 * scales (`npm run bench` measures it), and cost little below that. The graph's build time grows with
 * efConstruction about linearly, its recall much less, and a wider search costs only queries: at 100× (13,380
 * chunks, m 24, ef 200) an efConstruction of 300 gave recall 0.982 in twice the time of 150, which gave 0.976;
 * at 1000× (133,809 chunks, m 32) efConstruction 400 gave 0.953 with ef 400 in 110 s of CPU, 200 gave 0.924
 * with ef 400 and 0.957 with ef 800 in 54 s.
 */
export const HNSW_TIERS: readonly (HnswParameters & { upTo: number })[] = [
  { upTo: 5_000, m: 16, efConstruction: 200, efSearch: 64 },
  { upTo: 50_000, m: 24, efConstruction: 150, efSearch: 200 },
  { upTo: Infinity, m: 32, efConstruction: 200, efSearch: 800 },
];

export function hnswParameters(count: number): HnswParameters {
  const { m, efConstruction, efSearch } = HNSW_TIERS.find((tier) => count <= tier.upTo)!;
  return { m, efConstruction, efSearch };
}
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
    readonly parameters: HnswParameters,
  ) {
    index.setEf(parameters.efSearch);
  }

  /** An empty index for `capacity` vectors, with the parameters for that many unless given. */
  static create(dimension: number, capacity: number, parameters: HnswParameters = hnswParameters(capacity)): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({ maxElements: Math.max(1, capacity), m: parameters.m, efConstruction: parameters.efConstruction, randomSeed: RANDOM_SEED, allowReplaceDeleted: true });
    return new VectorIndex(index, dimension, parameters);
  }

  /** Reads a graph written by `write`; `parameters` are those it was built with (the index manifest keeps them). */
  static read(file: string, dimension: number, parameters: HnswParameters): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file, true);
    return new VectorIndex(index, dimension, parameters);
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
    this.index.setEf(Math.max(this.parameters.efSearch, n));
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i]! }));
  }

  /** The stored (unit-length) vector of a label, e.g. for an exact scan to check the graph's recall against. */
  vector(label: number): Float32Array {
    return Float32Array.from(this.index.getPoint(label));
  }

  /** The labels of every live vector. */
  labels(): number[] {
    return this.index.getIdsList();
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }
}

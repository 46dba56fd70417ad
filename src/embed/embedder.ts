import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FeatureExtractionPipeline, Tensor } from '@huggingface/transformers';
import { OFFLINE_MODEL_ALIAS, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { importedModelDir, readProvenance } from './import/local-models.js';
import { buildOfflineModel, isOfflineModelBuilt, OFFLINE_MODEL_ID, OFFLINE_MODEL_BUILD_VERSION, offlineModelDir } from './offline-model.js';
import { profileFor, type ModelProfile } from './profiles.js';
import { loadWordVectorModel, type WordVectorModel } from './word-vectors.js';

export interface Embedder {
  /** The model that actually loaded (after any fallback). */
  readonly modelId: string;
  /** The weights' precision, e.g. `fp32` or `q8`. */
  readonly dtype: ModelDtype;
  /** Model and precision: what an index's vectors must have been made with. */
  readonly identity: string;
  readonly offline: boolean;
  readonly dimension: number;
  readonly profile: ModelProfile;
  /** Mean-pooled, L2-normalised embeddings, one per text. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Neither the configured model nor the offline model can be loaded. */
export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

const BATCH_SIZE = 32;

/**
 * ONNX Runtime's threads, set rather than left to its defaults: one operator runs on every core (what a
 * build needs: its batches are large enough to split), and operators run one after another (a BERT encoder
 * is a chain, so parallel operators would only compete for the same cores).
 */
export const INTRA_OP_THREADS = os.availableParallelism();
export const INTER_OP_THREADS = 1;

type ModelSettings = Pick<Config, 'MODEL_ID' | 'MODEL_DIR' | 'MODELS_DIR'> & Partial<Pick<Config, 'MODEL_DTYPE'>>;

export type ModelDtype = NonNullable<Config['MODEL_DTYPE']>;

/**
 * The offline model runs int8 by default: its answers match float32 on every evaluation question,
 * and it needs about 120 MB less memory. Hub models default to float32, as transformers.js does.
 */
export const OFFLINE_DEFAULT_DTYPE: ModelDtype = 'q8';
export const HUB_DEFAULT_DTYPE: ModelDtype = 'fp32';

/** Where transformers.js keeps models it downloads from the hub: inside the project, git-ignored. */
export const hubCacheDir = (modelsDir: string) => path.join(modelsDir, 'hub-cache');

/** Lets a caller show what a slow load is doing. */
export interface LoadHooks {
  /** The offline model is about to be built (the first time it is needed; a few seconds). */
  onBuildOfflineModel?: () => void;
}

/** Loads a feature-extraction pipeline: from `localDir/<modelId>` with remote loading off, or else from the hub (or its cache). */
export async function loadPipeline(modelId: string, localDir: string | undefined, cacheDir: string, dtype: ModelDtype): Promise<FeatureExtractionPipeline> {
  // Imported here, not at the top: a process that runs only the offline model never loads transformers.js or ONNX Runtime.
  const { env, pipeline } = await import('@huggingface/transformers');
  // transformers.js keeps these settings globally; set them right before every load.
  env.cacheDir = cacheDir;
  env.allowLocalModels = true;
  if (localDir !== undefined) {
    env.localModelPath = localDir.endsWith(path.sep) ? localDir : localDir + path.sep;
    env.allowRemoteModels = false;
  } else {
    env.allowRemoteModels = true;
  }
  return pipeline<'feature-extraction'>('feature-extraction', modelId, {
    dtype,
    session_options: { intraOpNumThreads: INTRA_OP_THREADS, interOpNumThreads: INTER_OP_THREADS, executionMode: 'sequential' },
  });
}

/** Offline precisions: the two graphs the build writes. */
const OFFLINE_DTYPES: readonly ModelDtype[] = ['fp32', 'q8'];

async function loadOffline(modelsDir: string, logger: Logger, dtype: ModelDtype, hooks: LoadHooks): Promise<Embedder> {
  if (!OFFLINE_DTYPES.includes(dtype)) throw new Error(`the offline model comes in ${OFFLINE_DTYPES.join(' and ')} only, not ${dtype}`);
  if (!isOfflineModelBuilt(modelsDir)) {
    fs.mkdirSync(modelsDir, { recursive: true }); // fail fast, before reading the word vectors
    logger.info({ modelsDir }, 'building the offline word-vector model (one time, a few seconds)');
    hooks.onBuildOfflineModel?.();
    await buildOfflineModel({ modelsDir });
  }
  return wordVectorEmbedder(loadWordVectorModel(offlineModelDir(modelsDir), dtype === 'q8'), dtype);
}

/**
 * The offline model through transformers.js and ONNX Runtime, as any other model folder: the reference its own
 * runtime (word-vectors.ts) is tested against.
 */
export async function loadOfflineThroughTransformers(modelsDir: string, dtype: ModelDtype): Promise<Embedder> {
  const extractor = await loadPipeline(OFFLINE_MODEL_ID, modelsDir, hubCacheDir(modelsDir), dtype);
  return wrap(extractor, OFFLINE_MODEL_ID, dtype, true, await dimensionOf(extractor));
}

function offlineIdentity(dtype: ModelDtype): string {
  // A rebuilt offline model may have different vectors: their version is part of the identity.
  return `${OFFLINE_MODEL_ID}@${dtype}+build${OFFLINE_MODEL_BUILD_VERSION}`;
}

function wordVectorEmbedder(model: WordVectorModel, dtype: ModelDtype): Embedder {
  return {
    modelId: OFFLINE_MODEL_ID,
    dtype,
    identity: offlineIdentity(dtype),
    offline: true,
    dimension: model.dimension,
    profile: profileFor(OFFLINE_MODEL_ID, true),
    embed: (texts) => Promise.resolve(texts.map((text) => model.embed(text))),
  };
}

/**
 * The model's token vectors averaged over each text's real (unpadded) tokens, then L2-normalised: what the
 * pipeline's `pooling: 'mean', normalize: true` computes, in one pass over contiguous memory rather than
 * one strided pass per dimension with a BigInt conversion per element.
 */
async function meanPooled(extractor: FeatureExtractionPipeline, texts: string[], dimension: number): Promise<Float32Array[]> {
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true }) as { attention_mask: Tensor };
  const outputs = (await extractor.model(inputs)) as Record<string, Tensor | undefined>;
  const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
  if (!hidden) throw new Error('the model returned no token vectors');
  const [rows, length, width] = hidden.dims as [number, number, number];
  if (width !== dimension || rows !== texts.length) throw new Error(`the model returned ${rows}×${width} vectors for ${texts.length} texts of ${dimension} dimensions`);
  const data = hidden.data as Float32Array;
  const mask = inputs.attention_mask.data as BigInt64Array;
  const sum = new Float64Array(width);
  const vectors: Float32Array[] = [];
  for (let row = 0; row < rows; row++) {
    sum.fill(0);
    let count = 0;
    for (let token = 0; token < length; token++) {
      if (mask[row * length + token] === 0n) continue;
      count++;
      const base = (row * length + token) * width;
      for (let k = 0; k < width; k++) sum[k]! += data[base + k]!;
    }
    const vector = new Float32Array(width);
    let squares = 0;
    for (let k = 0; k < width; k++) {
      vector[k] = sum[k]! / count;
      squares += vector[k]! * vector[k]!;
    }
    const norm = Math.sqrt(squares);
    // A text with no word the model knows pools to the zero vector: "no meaning", kept as zeros.
    if (norm > 0 && Number.isFinite(norm)) for (let k = 0; k < width; k++) vector[k]! /= norm;
    else vector.fill(0);
    vectors.push(vector);
  }
  hidden.dispose();
  return vectors;
}

function wrap(extractor: FeatureExtractionPipeline, modelId: string, dtype: ModelDtype, offline: boolean, dimension: number, localFingerprint?: string): Embedder {
  // The weights of a model in MODELS_DIR/local, which may carry the id of another model (by default, the hub model's), are part of its identity.
  const suffix = localFingerprint ? `+${localFingerprint}` : '';
  return {
    modelId,
    dtype,
    identity: offline ? offlineIdentity(dtype) : `${modelId}@${dtype}${suffix}`,
    offline,
    dimension,
    profile: profileFor(modelId, offline),
    async embed(texts) {
      // Texts of similar length share a batch, so little of a batch is padding; the vectors come back in the given order.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length || a - b);
      const vectors = new Array<Float32Array>(texts.length);
      for (let start = 0; start < order.length; start += BATCH_SIZE) {
        const rows = order.slice(start, start + BATCH_SIZE);
        const pooled = await meanPooled(
          extractor,
          rows.map((row) => texts[row]!),
          dimension,
        );
        rows.forEach((row, i) => (vectors[row] = pooled[i]!));
      }
      return vectors;
    },
  };
}

/**
 * A model for this id in MODELS_DIR/local (put there by `npm run model:import`, or copied in by hand), if there is
 * one, and what tells its weights apart: the import's source hash, else the float32 file's size and time.
 */
function importedModel(modelsDir: string, modelId: string): { localDir: string; fingerprint: string } | undefined {
  if (modelId.split('/').some((part) => part === '..' || part === '.' || part === '')) return undefined;
  const dir = importedModelDir(modelsDir, modelId);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path.join(dir, 'onnx', 'model.onnx'));
  } catch {
    return undefined;
  }
  const provenance = readProvenance(dir);
  const fingerprint = provenance ? `import-${provenance.source_sha256.slice(0, 16)}` : `local-${stat.size}-${Math.round(stat.mtimeMs)}`;
  return { localDir: path.join(modelsDir, 'local'), fingerprint };
}

async function dimensionOf(extractor: FeatureExtractionPipeline): Promise<number> {
  const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
  const dimension = probe.dims[probe.dims.length - 1]!;
  probe.dispose?.();
  return dimension;
}

/**
 * Loads the configured model the normal transformers.js way. `MODEL_ID=offline` selects the
 * word-vector model; `MODEL_DIR` loads from a local folder with remote loading off. Otherwise a model
 * imported with `npm run model:import` (MODELS_DIR/local/<MODEL_ID>) is loaded with remote loading off,
 * and without one the hub model. When the model cannot be loaded (no network and no cached copy, or a
 * broken import), falls back to the offline model with one warning.
 */
export async function loadEmbedder(settings: ModelSettings, logger: Logger, hooks: LoadHooks = {}): Promise<Embedder> {
  const wantsOffline = settings.MODEL_ID === OFFLINE_MODEL_ALIAS || settings.MODEL_ID === OFFLINE_MODEL_ID;
  const offlineDtype = settings.MODEL_DTYPE ?? OFFLINE_DEFAULT_DTYPE;
  if (wantsOffline) {
    return loadOffline(settings.MODELS_DIR, logger, offlineDtype, hooks).catch((error: Error) => {
      throw new ModelUnavailableError(`The offline model could not be built or loaded (${error.message}). Run \`npm run model:offline\` and check that \`npm install\` completed.`);
    });
  }

  const dtype = settings.MODEL_DTYPE ?? HUB_DEFAULT_DTYPE;
  const imported = settings.MODEL_DIR === undefined ? importedModel(settings.MODELS_DIR, settings.MODEL_ID) : undefined;
  const localDir = settings.MODEL_DIR ?? imported?.localDir;
  try {
    const extractor = await loadPipeline(settings.MODEL_ID, localDir, hubCacheDir(settings.MODELS_DIR), dtype);
    return wrap(extractor, settings.MODEL_ID, dtype, false, await dimensionOf(extractor), imported?.fingerprint);
  } catch (error) {
    const where = settings.MODEL_DIR
      ? `from ${settings.MODEL_DIR}`
      : imported
        ? `from ${importedModelDir(settings.MODELS_DIR, settings.MODEL_ID)} (run \`npm run model:import -- <folder> --force\` again${dtype === 'fp32' ? '' : `, or unset MODEL_DTYPE if that folder has no ${dtype} model`})`
        : 'from the model hub or the local cache';
    try {
      const embedder = await loadOffline(settings.MODELS_DIR, logger, offlineDtype, hooks);
      logger.warn(
        { model: settings.MODEL_ID, reason: (error as Error).message },
        `Could not load ${settings.MODEL_ID} ${where}; using the offline word-vector model instead, which answers less well. ` +
          `To get the better model, run Guidebot once with internet access (it is cached in ${hubCacheDir(settings.MODELS_DIR)}), or set MODEL_DIR to a folder that holds it.`,
      );
      return embedder;
    } catch (offlineError) {
      throw new ModelUnavailableError(
        `No embedding model could be loaded: ${settings.MODEL_ID} failed (${(error as Error).message}) and the offline model failed (${(offlineError as Error).message}). ` +
          'Run `npm install` then `npm run model:offline`, or connect to the internet once to download the default model.',
      );
    }
  }
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OFFLINE_MODEL_ALIAS } from '../../config.js';
import { loadPipeline } from '../embedder.js';
import { OFFLINE_MODEL_ID } from '../offline-model.js';
import { bertWeights, buildBertOnnx, parseBertConfig, UnsupportedModelError, type BertConfig } from './bert-graph.js';
import { cosine } from './quantize.js';
import { importedModelDir, readProvenance, type ImportProvenance } from './local-models.js';
import { replaceFolder } from '../model-folder.js';
import { parseSafetensors } from './safetensors.js';

/**
 * `npm run model:import`: turns a sentence-transformers / Hugging Face BERT model folder (config.json,
 * model.safetensors, tokenizer.json) into a transformers.js model folder in MODELS_DIR/local/<id>:
 * onnx/model.onnx (float32), onnx/model_quantized.onnx (int8 weights, only when it agrees with float32),
 * config and tokenizer files, and a README with provenance. The folder is written beside its final place and
 * renamed into it, so a half-written import is never used.
 */

/** Bumped whenever the importer changes what it writes; recorded in config.json. */
export const IMPORTER_VERSION = 1;

/** The int8 model is kept only if every check sentence's embedding has at least this cosine with float32's. */
export const INT8_MIN_COSINE = 0.99;

/** The source folder is not usable (missing or unreadable files, not a model of the supported kind). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export const REQUIRED_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'] as const;
const COPIED_FILES = ['tokenizer.json', 'special_tokens_map.json', 'vocab.txt'] as const;

/** Varied sentences for comparing the int8 model with float32 (questions, casual chat, unicode, a long passage). */
export const CHECK_SENTENCES = [
  'Who is Miss Lucy?',
  'What does the Gallery mean to the students?',
  'why does tommy get so angry lol',
  'wat happens 2 ruth at the end??',
  'The guardians never told the students the whole truth.',
  'Kathy\u2019s calm narration \u2014 \u201cmeasured\u201d, almost detached \u2014 hides her grief.',
  'Chapter 23, page 281: the donations start at 18?!',
  'Explain the theme of memory and loss.',
  'caf\u00e9, na\u00efve, r\u00e9sum\u00e9',
  'Photosynthesis turns light into chemical energy.',
  'The French Revolution began in 1789.',
  'How do I solve a quadratic equation?',
  'ok',
  'THIS IS SO UNFAIR',
  'Hailsham',
  'I need a summary of part two for my test tomorrow, please.',
  'A boarding school in the English countryside where the students paint, write poems and make things for the ' +
    'Exchange, and where Madame comes every so often to take the best work away to her Gallery, which nobody has seen.',
  '\u00bfD\u00f3nde est\u00e1 la biblioteca?',
  'that ending \ud83d\ude2d i cannot stop thinking about it',
  '`npm run index -- --force`',
];

/** transformers.js accepts a model id of at most two segments of letters, digits, `_`, `-` and `.`. */
const MODEL_ID_PATTERN = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

export function validateModelId(id: string): string | undefined {
  if (!MODEL_ID_PATTERN.test(id) || id.includes('..') || id.includes('--')) {
    return `"${id}" is not a valid model id (one or two parts like owner/name, of letters, digits, "_", "-" and ".")`;
  }
  if (id === OFFLINE_MODEL_ALIAS || id === OFFLINE_MODEL_ID) return `"${id}" is the offline model's id; choose another`;
  return undefined;
}

export interface ImportOptions {
  source: string;
  modelsDir: string;
  id: string;
  /** Replace an existing import of a different source (an import of the same source is left as it is). */
  force?: boolean;
  onProgress?: (stage: string) => void;
  /** For tests: a different int8 threshold. */
  int8MinCosine?: number;
}

export interface ImportResult {
  id: string;
  dir: string;
  /** `unchanged`: the same source was already imported by this importer version (nothing was written). */
  status: 'imported' | 'unchanged';
  sourceSha256: string;
  dimension: number;
  layers: number;
  maxLength: number;
  floatBytes: number;
  int8Written: boolean;
  int8Bytes: number | undefined;
  /** Smallest cosine between int8 and float32 embeddings over CHECK_SENTENCES (undefined when unchanged). */
  int8MinCosine: number | undefined;
  ms: number;
}

function readJson(file: string, label: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ImportError(`Cannot read ${label} (${(error as Error).message}).`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportError(`${label} is not valid JSON.`);
  }
}

/** A model folder somewhere below `dir` (for the "did you mean" hint), breadth first, at most 3 levels down. */
function findModelFolderBelow(dir: string): string | undefined {
  let level = [dir];
  for (let depth = 0; depth < 3 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const child = path.join(folder, entry.name);
        if (REQUIRED_FILES.every((file) => fs.existsSync(path.join(child, file)))) return child;
        next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}

/** Checks that `source` is a model folder with every required file; returns its absolute path. */
export function validateSourceFolder(source: string): string {
  const dir = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new ImportError(`The model folder ${dir} does not exist.`);
  }
  if (!stat.isDirectory()) throw new ImportError(`${dir} is a file, not a model folder.`);
  const missing = REQUIRED_FILES.filter((file) => !fs.existsSync(path.join(dir, file)));
  if (missing.length === 0) return dir;
  const has = (file: string) => fs.existsSync(path.join(dir, file));
  let hint = '';
  if (missing.includes('model.safetensors') && has('model.safetensors.index.json')) {
    hint = ' Its weights are split into several safetensors files, which the importer does not read; a single model.safetensors is needed.';
  } else if (missing.includes('model.safetensors') && (has('pytorch_model.bin') || has('tf_model.h5'))) {
    hint = ' It has PyTorch or TensorFlow weights only; the importer reads model.safetensors (most model pages offer it, and it is safe to load).';
  } else {
    const below = missing.length === REQUIRED_FILES.length ? findModelFolderBelow(dir) : undefined;
    if (below) hint = ` Did you mean ${below}?`;
  }
  throw new ImportError(`${dir} is not a complete model folder: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (a model folder needs ${REQUIRED_FILES.join(', ')}).${hint}`);
}

/**
 * Guidebot mean-pools the encoder's output and normalises it. A sentence-transformers model whose modules.json
 * adds anything else (CLS pooling, a Dense layer) would give different embeddings, so it is refused.
 */
export function checkSentenceTransformersModules(dir: string): void {
  const modulesFile = path.join(dir, 'modules.json');
  if (!fs.existsSync(modulesFile)) return; // a plain Hugging Face model folder
  const modules = readJson(modulesFile, 'modules.json');
  if (!Array.isArray(modules)) throw new ImportError('modules.json is not a list of modules.');
  const allowed = ['sentence_transformers.models.Transformer', 'sentence_transformers.models.Pooling', 'sentence_transformers.models.Normalize'];
  for (const module of modules as Array<{ type?: string; path?: string }>) {
    const type = String(module.type ?? '');
    if (!allowed.includes(type)) {
      throw new UnsupportedModelError(
        `This sentence-transformers model has a ${type || 'nameless'} module (modules.json); the importer supports Transformer, mean Pooling and Normalize only, as Guidebot mean-pools and normalises.`,
      );
    }
    if (type.endsWith('.Pooling')) {
      const pooling = readJson(path.join(dir, module.path ?? '', 'config.json'), `${module.path ?? ''}/config.json (pooling)`) as Record<string, unknown>;
      const modes = Object.entries(pooling)
        .filter(([key, value]) => key.startsWith('pooling_mode_') && value === true)
        .map(([key]) => key.slice('pooling_mode_'.length));
      if (modes.length !== 1 || modes[0] !== 'mean_tokens') {
        throw new UnsupportedModelError(
          `This sentence-transformers model pools with ${modes.join(' + ') || 'no mode'}; Guidebot mean-pools (pooling_mode_mean_tokens), so its embeddings would differ.`,
        );
      }
    }
  }
}

/** The longest input in tokens: sentence-transformers' max_seq_length, else the tokenizer's, never past the position table. */
export function maxLength(dir: string, config: BertConfig): number {
  const candidates = [config.maxPositions];
  const bertConfig = path.join(dir, 'sentence_bert_config.json');
  if (fs.existsSync(bertConfig)) {
    const value = (readJson(bertConfig, 'sentence_bert_config.json') as { max_seq_length?: unknown }).max_seq_length;
    if (typeof value === 'number' && value > 0) candidates.push(value);
  } else if (fs.existsSync(path.join(dir, 'tokenizer_config.json'))) {
    const value = (readJson(path.join(dir, 'tokenizer_config.json'), 'tokenizer_config.json') as { model_max_length?: unknown }).model_max_length;
    if (typeof value === 'number' && value > 0) candidates.push(value);
  }
  return Math.floor(Math.min(...candidates));
}

function licenceOf(dir: string): string | undefined {
  try {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    const frontMatter = /^---\n([\s\S]*?)\n---/.exec(readme)?.[1];
    return frontMatter ? /^license:\s*(\S+)/m.exec(frontMatter)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function readme(info: {
  id: string;
  sourceName: string;
  sha256: string;
  date: string;
  config: BertConfig;
  maxLength: number;
  licence: string | undefined;
  floatBytes: number;
  int8Bytes: number | undefined;
  int8MinCosine: number;
  threshold: number;
}): string {
  const { config } = info;
  const int8 =
    info.int8Bytes !== undefined
      ? `\`onnx/model_quantized.onnx\` (${formatMb(info.int8Bytes)}, \`MODEL_DTYPE=q8\`): the same graph with int8 weights (per output channel, symmetric) for every MatMul and the word-embedding table. Its embeddings of ${CHECK_SENTENCES.length} check sentences had a cosine of at least ${info.int8MinCosine.toFixed(5)} with float32's (threshold ${info.threshold}).`
      : `No int8 model: its embeddings of ${CHECK_SENTENCES.length} check sentences fell to a cosine of ${info.int8MinCosine.toFixed(5)} with float32's, below the threshold ${info.threshold}.`;
  return `# ${info.id}

Imported by \`npm run model:import\` (importer version ${IMPORTER_VERSION}) on ${info.date} from the model folder
\`${info.sourceName}\` (model.safetensors sha256 \`${info.sha256}\`). No network was used.

- Architecture: BERT encoder, ${config.layers} layers, hidden size ${config.hiddenSize}, ${config.heads} attention heads,
  intermediate size ${config.intermediateSize}, vocabulary ${config.vocabSize}, activation \`${config.activation}\`.
- \`onnx/model.onnx\` (${formatMb(info.floatBytes)}): float32, written from the safetensors weights; inputs \`input_ids\`,
  \`attention_mask\`, \`token_type_ids\`, output \`last_hidden_state\`. Guidebot mean-pools it and normalises, as
  sentence-transformers does.
- ${int8}
- \`config.json\`, \`tokenizer.json\`, \`special_tokens_map.json\`, \`vocab.txt\`: copied from the source
  (config.json gains a \`guidebot_import\` record). \`tokenizer_config.json\`: copied, with \`model_max_length\` set to
  ${info.maxLength}, the longest input sentence-transformers reads for this model (texts are truncated there).
- Licence: the weights keep the source model's licence${info.licence ? ` (its model card says \`${info.licence}\`)` : ' (see its model card)'}.
`;
}

/** The source folder's name for the provenance; a generic name ("model", a hub snapshot hash) keeps its parent's. */
export function sourceName(dir: string): string {
  const name = path.basename(dir);
  return name === 'model' || /^[0-9a-f]{40}$/.test(name) ? `${path.basename(path.dirname(dir))}/${name}` : name;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Embeds CHECK_SENTENCES with the model in `dir` (a folder of model files) at the given precision. */
async function embedCheckSentences(dir: string, dtype: 'fp32' | 'q8', cacheDir: string): Promise<Float32Array[]> {
  const extractor = await loadPipeline(path.basename(dir), path.dirname(dir), cacheDir, dtype);
  try {
    const output = await extractor(CHECK_SENTENCES, { pooling: 'mean', normalize: true });
    const data = output.data as Float32Array;
    const dimension = output.dims[output.dims.length - 1]!;
    return CHECK_SENTENCES.map((_, row) => data.slice(row * dimension, (row + 1) * dimension));
  } finally {
    await extractor.dispose();
  }
}

export async function importModel(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const threshold = options.int8MinCosine ?? INT8_MIN_COSINE;
  if (os.endianness() !== 'LE') throw new Error('The importer writes little-endian ONNX raw data; this machine is big-endian.');
  const idProblem = validateModelId(options.id);
  if (idProblem) throw new ImportError(`${idProblem}.`);

  const source = validateSourceFolder(options.source);
  const configJson = readJson(path.join(source, 'config.json'), 'config.json') as Record<string, unknown>;
  const config = parseBertConfig(configJson);
  checkSentenceTransformersModules(source);
  const length = maxLength(source, config);

  progress('reading model.safetensors');
  const weightsFile = path.join(source, 'model.safetensors');
  const bytes = fs.readFileSync(weightsFile);
  const sourceSha256 = sha256(bytes);
  const dir = importedModelDir(options.modelsDir, options.id);
  const existing = readProvenance(dir);
  const base = { id: options.id, dir, sourceSha256, dimension: config.hiddenSize, layers: config.layers, maxLength: length };
  if (existing && existing.source_sha256 === sourceSha256 && existing.importer_version === IMPORTER_VERSION && !options.force) {
    const size = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.statSync(path.join(dir, file)).size : undefined);
    return {
      ...base,
      status: 'unchanged',
      floatBytes: size('onnx/model.onnx')!,
      int8Written: existing.int8.written,
      int8Bytes: size('onnx/model_quantized.onnx'),
      int8MinCosine: existing.int8.min_cosine,
      ms: Math.round(performance.now() - started),
    };
  }
  if (fs.existsSync(dir) && !options.force) {
    throw new ImportError(`${dir} already holds ${existing ? `a model imported from another source (${existing.imported_from})` : 'something else'}; add --force to replace it.`);
  }

  const safetensors = parseSafetensors(bytes, weightsFile);
  const weights = bertWeights(safetensors, config);
  const floatBytesEstimate = [...safetensors.tensors.values()].reduce((sum, t) => sum + t.shape.reduce((p, d) => p * d, 1) * 4, 0);
  if (floatBytesEstimate > 1.9 * 1024 ** 3) {
    throw new UnsupportedModelError(`This model is too large to import: its float32 weights take ${formatMb(floatBytesEstimate)}, and a single ONNX file holds at most 2 GB.`);
  }

  const result: ImportResult = await replaceFolder(dir, async (tmp) => {
    fs.mkdirSync(path.join(tmp, 'onnx'));
    const doc = `${options.id}: BERT encoder imported from ${sourceName(source)} (model.safetensors sha256 ${sourceSha256})`;
    progress('writing onnx/model.onnx');
    const floatModel = buildBertOnnx(config, weights, { quantized: false, docString: doc });
    fs.writeFileSync(path.join(tmp, 'onnx', 'model.onnx'), floatModel);
    progress('writing onnx/model_quantized.onnx');
    const int8Model = buildBertOnnx(config, weights, { quantized: true, docString: `${doc}, int8 weights` });
    fs.writeFileSync(path.join(tmp, 'onnx', 'model_quantized.onnx'), int8Model);

    for (const file of COPIED_FILES) {
      if (fs.existsSync(path.join(source, file))) fs.copyFileSync(path.join(source, file), path.join(tmp, file));
    }
    const tokenizerConfig = fs.existsSync(path.join(source, 'tokenizer_config.json')) ? (readJson(path.join(source, 'tokenizer_config.json'), 'tokenizer_config.json') as Record<string, unknown>) : {};
    fs.writeFileSync(path.join(tmp, 'tokenizer_config.json'), `${JSON.stringify({ ...tokenizerConfig, model_max_length: length }, null, 2)}\n`);
    const writeConfig = (int8: ImportProvenance['int8']) => {
      const provenance: ImportProvenance = {
        imported_from: sourceName(source),
        source_sha256: sourceSha256,
        importer_version: IMPORTER_VERSION,
        imported_at: new Date().toISOString(),
        max_length: length,
        int8,
      };
      fs.writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify({ ...configJson, guidebot_import: provenance }, null, 2)}\n`);
    };
    writeConfig({ written: false, min_cosine: 0, threshold });

    progress('checking the float32 and int8 models');
    const cacheDir = path.join(options.modelsDir, 'hub-cache');
    const floatVectors = await embedCheckSentences(tmp, 'fp32', cacheDir);
    for (const vector of floatVectors) {
      if (vector.length !== config.hiddenSize || !vector.every(Number.isFinite)) {
        throw new Error(`The imported float32 model gave a ${vector.length}-dimensional or non-finite embedding; expected ${config.hiddenSize} finite values.`);
      }
    }
    const int8Vectors = await embedCheckSentences(tmp, 'q8', cacheDir);
    const minCosine = Math.min(...floatVectors.map((vector, i) => cosine(vector, int8Vectors[i]!)));
    const int8Written = minCosine >= threshold;
    if (!int8Written) fs.rmSync(path.join(tmp, 'onnx', 'model_quantized.onnx'));
    writeConfig({ written: int8Written, min_cosine: Number(minCosine.toFixed(6)), threshold });
    const int8Bytes = int8Written ? int8Model.byteLength : undefined;
    fs.writeFileSync(
      path.join(tmp, 'README.md'),
      readme({
        id: options.id,
        sourceName: sourceName(source),
        sha256: sourceSha256,
        date: new Date().toISOString().slice(0, 10),
        config,
        maxLength: length,
        licence: licenceOf(source),
        floatBytes: floatModel.byteLength,
        int8Bytes,
        int8MinCosine: minCosine,
        threshold,
      }),
    );
    return { ...base, status: 'imported', floatBytes: floatModel.byteLength, int8Written, int8Bytes, int8MinCosine: minCosine, ms: 0 };
  });
  progress('done');
  return { ...result, ms: Math.round(performance.now() - started) };
}

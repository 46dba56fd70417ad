import fs from 'node:fs';
import path from 'node:path';
import { ONNX_FLOAT, ONNX_INT8, OnnxFileError, readOnnxInitializers, type OnnxInitializer } from './onnx-initializers.js';
import { MODEL_MAX_LENGTH, VOCAB_FILE, wordTokenizer, type TextTokenizer } from './offline-model.js';

/**
 * Guidebot's own runtime for its offline word-vector model (see offline-model.ts), giving the vectors the
 * transformers.js pipeline gives for the same folder, bit for bit (tested), without loading transformers.js,
 * ONNX Runtime or the 200,000-word tokenizer into its maps. The model's graph is a table lookup, so running
 * it is a gather and a sum: this costs a few milliseconds to load instead of about a second, and about 60 MB
 * less memory in every process and engine thread that embeds. Other models still go through transformers.js.
 */

export interface WordVectorModel {
  readonly dimension: number;
  /** The number of rows of the table (the vocabulary with [PAD] and [UNK]). */
  readonly rows: number;
  /** Mean-pooled, L2-normalised: a text with no known word gives the zero vector. */
  embed(text: string): Float32Array;
}

/** Rows of the table, float32 or int8 with one float scale per row (the two graphs the build writes). */
type Table = { kind: 'fp32'; values: Float32Array } | { kind: 'q8'; values: Int8Array; scales: Float32Array };

function floats(tensor: OnnxInitializer): Float32Array {
  // A Float32Array needs a 4-byte-aligned offset; the tensor's bytes sit wherever the protobuf put them.
  const copy = new Uint8Array(tensor.raw.byteLength);
  copy.set(tensor.raw);
  return new Float32Array(copy.buffer);
}

function initializer(tensors: Map<string, OnnxInitializer>, file: string, name: string, dataType: number): OnnxInitializer {
  const tensor = tensors.get(name);
  if (!tensor || tensor.dataType !== dataType || tensor.dims.length !== 2) throw new OnnxFileError(file, `no ${name} table`);
  const [rows, columns] = tensor.dims as [number, number];
  const width = dataType === ONNX_FLOAT ? 4 : 1;
  if (tensor.raw.byteLength !== rows * columns * width) throw new OnnxFileError(file, `${name} holds ${tensor.raw.byteLength} bytes for ${rows}×${columns}`);
  return tensor;
}

function readTable(file: string, quantized: boolean): { table: Table; rows: number; dimension: number } {
  const tensors = readOnnxInitializers(file);
  if (!quantized) {
    const tensor = initializer(tensors, file, 'word_embeddings', ONNX_FLOAT);
    return { table: { kind: 'fp32', values: floats(tensor) }, rows: tensor.dims[0]!, dimension: tensor.dims[1]! };
  }
  const values = initializer(tensors, file, 'word_embeddings_int8', ONNX_INT8);
  const scales = initializer(tensors, file, 'word_embeddings_scale', ONNX_FLOAT);
  if (scales.dims[0] !== values.dims[0] || scales.dims[1] !== 1) throw new OnnxFileError(file, 'the scales do not match the int8 rows');
  const int8 = new Int8Array(values.raw.buffer, values.raw.byteOffset, values.raw.byteLength);
  return { table: { kind: 'q8', values: int8, scales: floats(scales) }, rows: values.dims[0]!, dimension: values.dims[1]! };
}

function readVocabulary(file: string, rows: number): Map<string, number> {
  const tokens = fs.readFileSync(file, 'utf8').split('\n');
  if (tokens.at(-1) === '') tokens.pop();
  if (tokens.length !== rows) throw new Error(`${file} lists ${tokens.length} tokens for a table of ${rows} rows; rebuild the model with \`npm run model:offline\``);
  const ids = new Map<string, number>();
  tokens.forEach((token, id) => ids.set(token, id));
  return ids;
}

/**
 * Adds one token's row to `sum` as ONNX Runtime computes it: int8 rows are cast to float and multiplied by
 * their scale in float32 (Math.fround of the product of two float32 values is exactly that), then summed
 * in float64 in token order, as the pipeline's mean pooling does.
 */
function addRow(table: Table, id: number, dimension: number, sum: Float64Array): void {
  const base = id * dimension;
  if (table.kind === 'fp32') {
    for (let k = 0; k < dimension; k++) sum[k]! += table.values[base + k]!;
    return;
  }
  const scale = table.scales[id]!;
  for (let k = 0; k < dimension; k++) sum[k]! += Math.fround(table.values[base + k]! * scale);
}

/** Mean over `count` tokens, then L2 normalisation, with float32 rounding where the pipeline stores float32. */
function normalisedMean(sum: Float64Array, count: number): Float32Array {
  const vector = new Float32Array(sum.length);
  let squares = 0;
  for (let k = 0; k < sum.length; k++) {
    vector[k] = sum[k]! / count;
    squares += vector[k]! * vector[k]!;
  }
  const norm = Math.sqrt(squares);
  // A text with no word the model knows pools to the zero vector: "no meaning", kept as zeros.
  if (norm > 0 && Number.isFinite(norm)) for (let k = 0; k < sum.length; k++) vector[k]! /= norm;
  else vector.fill(0);
  return vector;
}

/** Loads the model folder the offline build wrote; `quantized` picks onnx/model_quantized.onnx (q8) over onnx/model.onnx (fp32). */
export function loadWordVectorModel(dir: string, quantized: boolean): WordVectorModel {
  const { table, rows, dimension } = readTable(path.join(dir, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx'), quantized);
  const ids = readVocabulary(path.join(dir, VOCAB_FILE), rows);
  const tokenizer: TextTokenizer = wordTokenizer();
  const unknown = ids.get('[UNK]');
  if (unknown === undefined) throw new Error(`${path.join(dir, VOCAB_FILE)} has no [UNK] token`);
  const sum = new Float64Array(dimension);
  return {
    dimension,
    rows,
    embed(text) {
      // Truncated to the model's longest input, as the pipeline truncates.
      const tokens = tokenizer.tokenize(text).slice(0, MODEL_MAX_LENGTH);
      sum.fill(0);
      for (const token of tokens) addRow(table, ids.get(token) ?? unknown, dimension, sum);
      return normalisedMean(sum, tokens.length);
    },
  };
}

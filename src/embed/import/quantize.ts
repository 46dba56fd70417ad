import type { GraphBuilder } from './onnx-graph.js';

/**
 * Weight-only int8 quantization for the imported encoder: the large matrices are stored as int8 with one float
 * scale per output channel (symmetric, scale = max |w| / 127, zero point 0), and turned back into float32 in the
 * graph. Activations stay float32, so the only error is the weights' rounding (at most half a step per weight).
 *
 * - a MatMul weight W [in, out]: `DequantizeLinear(W_int8, scale[out], zero[out], axis = 1)` (opset >= 13), then MatMul;
 * - the word-embedding table [vocab, hidden]: int8 rows with one scale per row, both gathered by token id, then
 *   multiplied (only the rows of the tokens in the batch are ever turned back into floats).
 */

export interface Quantized {
  values: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 per column of a row-major [rows, cols] matrix (a column is an output channel of X * W). */
export function quantizePerColumn(matrix: Float32Array, rows: number, cols: number): Quantized {
  const max = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    for (let c = 0; c < cols; c++) max[c] = Math.max(max[c]!, Math.abs(matrix[offset + c]!));
  }
  const scales = max.map((m) => Math.fround(m / 127));
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    for (let c = 0; c < cols; c++) {
      const scale = scales[c]!;
      if (scale > 0) values[offset + c] = clampInt8(Math.round(matrix[offset + c]! / scale));
    }
  }
  return { values, scales };
}

/** Symmetric int8 per row of a row-major [rows, cols] matrix (a row is one token's embedding). */
export function quantizePerRow(matrix: Float32Array, rows: number, cols: number): Quantized {
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(matrix[offset + c]!));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let c = 0; c < cols; c++) values[offset + c] = clampInt8(Math.round(matrix[offset + c]! / scale));
  }
  return { values, scales };
}

function clampInt8(value: number): number {
  return Math.max(-127, Math.min(127, value));
}

/** Adds an int8 [in, out] weight and its DequantizeLinear; returns the name of the float32 weight for a MatMul. */
export function dequantizedMatMulWeight(graph: GraphBuilder, name: string, weight: Float32Array, inputs: number, outputs: number): string {
  const { values, scales } = quantizePerColumn(weight, inputs, outputs);
  const q = graph.int8Tensor(`${name}_int8`, [inputs, outputs], values);
  const scale = graph.floatTensor(`${name}_scale`, [outputs], scales);
  const zero = graph.int8Tensor(`${name}_zero_point`, [outputs], new Int8Array(outputs));
  return graph.op('DequantizeLinear', [q, scale, zero], name, { axis: 1 });
}

/** Adds an int8 embedding table and returns the float32 rows for `ids` ([..., cols]). */
export function gatherQuantizedRows(graph: GraphBuilder, name: string, table: Float32Array, rows: number, cols: number, ids: string): string {
  const { values, scales } = quantizePerRow(table, rows, cols);
  const q = graph.int8Tensor(`${name}_int8`, [rows, cols], values);
  const scale = graph.floatTensor(`${name}_scale`, [rows, 1], scales);
  const gatheredQ = graph.op('Gather', [q, ids], `${name}_rows_int8`, { axis: 0 });
  const gatheredScale = graph.op('Gather', [scale, ids], `${name}_rows_scale`, { axis: 0 });
  const asFloat = graph.op('Cast', [gatheredQ], `${name}_rows_q`, { to: 1 /* FLOAT */ });
  return graph.op('Mul', [asFloat, gatheredScale], `${name}_rows`);
}

/** Cosine similarity of two vectors (not assumed normalised). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

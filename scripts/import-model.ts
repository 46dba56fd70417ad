/**
 * `npm run model:import -- <folder> [--id <model id>] [--force]`: turns a sentence-transformers / Hugging Face BERT
 * model folder (config.json, model.safetensors, tokenizer.json) into a transformers.js model in
 * MODELS_DIR/local/<id>. The id defaults to MODEL_ID, so the imported model is the one Guidebot then uses.
 * Needs no network.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv, OFFLINE_MODEL_ALIAS } from '../src/config.js';
import { UnsupportedModelError, WeightsError } from '../src/embed/import/bert-graph.js';
import { ImportError, importModel, validateModelId } from '../src/embed/import/import-model.js';
import { SafetensorsError } from '../src/embed/import/safetensors.js';
import { OFFLINE_MODEL_ID } from '../src/embed/offline-model.js';

const USAGE = 'Usage: npm run model:import -- <model folder> [--id <model id>] [--force]';

class UsageError extends Error {}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: true,
      options: { id: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return;
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError(`${parsed.positionals.length === 0 ? 'Give the model folder to import.' : 'Give exactly one model folder.'}\n${USAGE}`);
  }
  loadDotEnv();
  const config = loadConfig();
  const id = parsed.values.id ?? config.MODEL_ID;
  if (parsed.values.id === undefined && (id === OFFLINE_MODEL_ALIAS || id === OFFLINE_MODEL_ID)) {
    throw new UsageError(`MODEL_ID is the offline model; give the imported model an id with --id <owner/name> and set MODEL_ID to it.\n${USAGE}`);
  }
  const idProblem = validateModelId(id);
  if (idProblem) throw new UsageError(`${idProblem}.\n${USAGE}`);

  const source = path.resolve(process.cwd(), parsed.positionals[0]!);
  console.log(`Importing ${source} as ${id} ...`);
  const result = await importModel({
    source,
    modelsDir: config.MODELS_DIR,
    id,
    force: parsed.values.force,
    onProgress: (stage) => console.log(`  ${stage}`),
  });
  if (result.status === 'unchanged') {
    console.log(`\n${id} is already imported from this model.safetensors (sha256 ${result.sourceSha256.slice(0, 16)}…) in ${result.dir}; nothing to do (--force imports it again).`);
    return;
  }
  const int8 = result.int8Written
    ? `${formatMb(result.int8Bytes!)} (min cosine with float32 ${result.int8MinCosine!.toFixed(5)})`
    : `not written: min cosine with float32 ${result.int8MinCosine!.toFixed(5)} is below 0.99`;
  console.log(`
Imported ${id}
  folder      ${result.dir}
  dimension   ${result.dimension}
  layers      ${result.layers}
  max length  ${result.maxLength} tokens
  float32     ${formatMb(result.floatBytes)}
  int8        ${int8}
  time        ${(result.ms / 1000).toFixed(1)} s
`);
  if (id !== config.MODEL_ID) console.log(`Set MODEL_ID=${id} to use it${result.int8Written ? ' (and MODEL_DTYPE=q8 for the int8 model)' : ''}.`);
  else console.log(`Guidebot now uses it (MODEL_ID=${id})${result.int8Written ? '; MODEL_DTYPE=q8 selects the int8 model' : ''}. Run \`npm run index\` to re-embed the guides.`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) console.error(error.message);
  else if (error instanceof ImportError || error instanceof UnsupportedModelError || error instanceof WeightsError || error instanceof SafetensorsError) {
    console.error(`Cannot import: ${error.message}`);
  } else console.error(error);
  process.exitCode = 1;
});

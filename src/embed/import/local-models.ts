import fs from 'node:fs';
import path from 'node:path';

/** Where `npm run model:import` puts models, and what it records about them (read by the embedder and the importer). */

/** Where an imported model lives: the embedder loads MODEL_ID from here when it exists. */
export function importedModelDir(modelsDir: string, id: string): string {
  return path.join(modelsDir, 'local', ...id.split('/'));
}

/** The record an import adds to the model's config.json as `guidebot_import`. */
export interface ImportProvenance {
  imported_from: string;
  source_sha256: string;
  importer_version: number;
  imported_at: string;
  max_length: number;
  int8: { written: boolean; min_cosine: number; threshold: number };
}

/** What an import recorded, if `dir` holds a complete imported model (its float32 ONNX file and config.json). */
export function readProvenance(dir: string): ImportProvenance | undefined {
  try {
    if (!fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) return undefined;
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { guidebot_import?: ImportProvenance };
    return config.guidebot_import;
  } catch {
    return undefined;
  }
}

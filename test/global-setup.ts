import path from 'node:path';
import { buildOfflineModel, isOfflineModelBuilt } from '../src/embed/offline-model.js';

/** Builds the offline model once, before any test file loads it (test files run in parallel). */
export default async function setup(): Promise<void> {
  const modelsDir = path.resolve(import.meta.dirname, '..', 'models');
  if (!isOfflineModelBuilt(modelsDir)) await buildOfflineModel({ modelsDir });
}

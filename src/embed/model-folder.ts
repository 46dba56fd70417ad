import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a model folder whole or not at all: `write` fills a new folder beside `dir` (named so that
 * transformers.js accepts it as a model id, so the model can be loaded and checked there first), which
 * then takes the place of `dir`. A failure anywhere leaves `dir` as it was.
 */
export async function replaceFolder<T>(dir: string, write: (folder: string) => T | Promise<T>): Promise<T> {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const unique = () => `${process.pid}_${randomBytes(6).toString('hex')}`;
  const tmp = path.join(parent, `building_${unique()}`);
  fs.mkdirSync(tmp);
  let old: string | undefined;
  let result: T;
  try {
    result = await write(tmp);
    // rename cannot replace a folder that has files in it, so the old one is moved aside first.
    if (fs.existsSync(dir)) {
      old = path.join(parent, `replaced_${unique()}`);
      fs.renameSync(dir, old);
    }
    fs.renameSync(tmp, dir);
  } catch (error) {
    if (old && !fs.existsSync(dir)) fs.renameSync(old, dir); // put the previous model back
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
  return result;
}

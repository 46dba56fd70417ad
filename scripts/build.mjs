// `npm run build` compiles src/ to dist/ (tsc -p tsconfig.build.json, after emptying dist/ so no
// output of a deleted source file survives). `--if-stale` (the `prestart` of `npm start`) does it only
// when dist/ is missing or older than a source file or the TypeScript configuration, and is otherwise
// a no-op: a production install (`npm ci --omit=dev`, no TypeScript) with an up-to-date dist/ starts
// as it is. Plain JavaScript, so it runs without tsx.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((entry) => path.join(ROOT, entry));

function newestInput() {
  let newest = 0;
  const visit = (entry) => {
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  INPUTS.forEach(visit);
  return newest;
}

function isStale() {
  const stamp = fs.statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp) return 'dist/ has not been built';
  if (!fs.existsSync(path.join(ROOT, 'src'))) return false;
  return newestInput() > stamp.mtimeMs ? 'src/ changed since the last build' : false;
}

function tscPath() {
  try {
    return createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const ifStale = process.argv.includes('--if-stale');
const reason = ifStale ? isStale() : 'asked to build';
if (!reason) process.exit(0);

const tsc = tscPath();
if (!tsc) {
  process.stderr.write(
    `Guidebot cannot start: ${reason}, and TypeScript (a development dependency) is not installed to build it.\n` +
      'Run `npm install` and then `npm start` (or `npm run build`), or install from a build that has dist/ already.\n',
  );
  process.exit(1);
}
if (ifStale) process.stderr.write(`Building Guidebot (${reason}): npm run build\n`);
fs.rmSync(DIST, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('The TypeScript build failed (see above); dist/ was not updated.\n');
  process.exit(result.status ?? 1);
}
fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);

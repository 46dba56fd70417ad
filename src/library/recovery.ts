import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { bookSlug } from './books.js';
import type { LibraryLayout } from './layout.js';
import { LibraryLayout as Layout } from './layout.js';
import { readLibraryState } from './state.js';

const list = (dir: string) => {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
};

/**
 * At start-up, removes what an import or change interrupted by a stop or crash left behind: its
 * staging folder, a guide file library.json does not list (moved into place just before the crash),
 * index folders of books the server no longer has, and temporary files. library.json was never
 * replaced for such a change, so the library is exactly as it was before it.
 */
export function discardInterrupted(layout: LibraryLayout, logger: Logger): void {
  for (const guildId of list(layout.root).filter((name) => Layout.isGuildId(name))) {
    const guildDir = layout.guildDir(guildId);
    for (const name of list(layout.stagingRoot(guildId))) {
      fs.rmSync(path.join(layout.stagingRoot(guildId), name), { recursive: true, force: true });
      logger.warn({ guildId, staged: name }, 'discarded an interrupted guide import (the library is as it was before it)');
    }
    for (const name of list(guildDir).filter((entry) => entry.endsWith('.tmp'))) fs.rmSync(path.join(guildDir, name), { force: true });
    let state;
    try {
      state = readLibraryState(layout.stateFile(guildId));
    } catch (error) {
      logger.error({ guildId, err: error }, 'a server library could not be read; it is left untouched');
      continue;
    }
    const listed = new Set(state.guides.map((guide) => `${guide.id}.md`));
    for (const name of list(layout.guidesDir(guildId))) {
      if (listed.has(name)) continue;
      fs.rmSync(path.join(layout.guidesDir(guildId), name), { recursive: true, force: true });
      logger.warn({ guildId, file: name }, 'discarded a guide file of an interrupted import');
    }
    for (const guide of state.guides)
      if (!fs.existsSync(layout.guideFile(guildId, guide.id))) logger.error({ guildId, guide: guide.id, title: guide.title }, 'a guide file listed in library.json is missing');
    const books = new Set(state.guides.map((guide) => bookSlug(guide.book)));
    for (const slug of list(layout.indexRoot(guildId))) if (!books.has(slug)) fs.rmSync(layout.bookIndexRoot(guildId, slug), { recursive: true, force: true });
  }
}

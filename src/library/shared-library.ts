import path from 'node:path';
import type { BuildEvent } from '../engine.js';
import { listGuideFiles, loadGuideFile } from '../guide/load.js';
import type { Logger } from '../log.js';
import { filesHash } from '../search/index-store.js';
import { bookOfMeta, bookSlug, UNNAMED_BOOK } from './books.js';
import type { BookEngine, OpenBookEngine } from './engine-factory.js';

/**
 * The host's corpus folder: the guides every server gets unless a teacher turns them off, grouped
 * by book. Each book has one engine, loaded at start and never evicted. With a single book its index
 * is INDEX_DIR itself (the same index as before there were libraries); with several, one folder per
 * book under INDEX_DIR/books/.
 */

export interface SharedBook {
  book: string;
  slug: string;
  files: string[];
  specHash: string;
  indexDir: string;
  engine: BookEngine;
}

export interface SharedReload {
  /** Books whose guides changed (added, edited, removed books included). */
  changed: string[];
  /** Texts the model embedded for the changed books. */
  computed: number;
}

export class SharedLibrary {
  private books = new Map<string, SharedBook>();

  constructor(
    private readonly corpusDir: string,
    private readonly indexDir: string,
    private readonly openEngine: OpenBookEngine,
    private readonly logger: Logger,
  ) {}

  /** The host's guide files grouped by the book their front matter names, in file-name order. */
  private async group(): Promise<Map<string, { book: string; files: string[] }>> {
    const groups = new Map<string, { book: string; files: string[] }>();
    for (const name of listGuideFiles(this.corpusDir)) {
      const file = path.join(this.corpusDir, name);
      const book = bookOfMeta((await loadGuideFile(file)).meta) ?? UNNAMED_BOOK;
      const slug = bookSlug(book);
      const group = groups.get(slug) ?? { book, files: [] };
      group.files.push(file);
      groups.set(slug, group);
    }
    return groups;
  }

  /** Loads (or rebuilds) every shared book's engine. The first load reports progress (the slow first start). */
  async load(onProgress?: (event: BuildEvent) => void): Promise<SharedReload> {
    const groups = await this.group();
    const next = new Map<string, SharedBook>();
    const changed: string[] = [];
    let computed = 0;
    for (const [slug, { book, files }] of groups) {
      const specHash = filesHash(files);
      const current = this.books.get(slug);
      if (current && current.specHash === specHash) {
        next.set(slug, current);
        continue;
      }
      const indexDir = groups.size === 1 ? this.indexDir : path.join(this.indexDir, 'books', slug);
      const opened = await this.openEngine({ guideFiles: files, indexDir, ...(current ? { seedCacheFrom: current.indexDir } : {}) }, onProgress);
      next.set(slug, { book, slug, files, specHash, indexDir, engine: opened.engine });
      changed.push(book);
      computed += opened.computed;
    }
    for (const [slug, book] of this.books) if (!next.has(slug)) changed.push(book.book);
    this.books = next;
    return { changed, computed };
  }

  /** Re-reads the folder and swaps in the books that changed; the old engines answer until then. */
  async reload(): Promise<SharedReload> {
    const result = await this.load();
    if (result.changed.length > 0)
      this.logger.info({ books: result.changed, computed: result.computed, guides: this.list().reduce((sum, book) => sum + book.files.length, 0) }, 'shared library re-indexed');
    return result;
  }

  list(): SharedBook[] {
    return [...this.books.values()];
  }

  get(slug: string): SharedBook | undefined {
    return this.books.get(slug);
  }

  /** The book of the first shared guide: the default for guides that name none. */
  defaultBook(): SharedBook | undefined {
    return this.books.values().next().value;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BuildEvent } from '../engine.js';
import type { IngestResult } from '../guide/ingest/types.js';
import { CorpusError, loadGuideFile } from '../guide/load.js';
import type { Guide } from '../guide/types.js';
import type { Logger } from '../log.js';
import { chunkGuide } from '../guide/chunk.js';
import { filesHash } from '../search/index-store.js';
import { writeFileAtomic, moveFileAtomic } from './atomic-file.js';
import { bookOfMeta, bookSlug, cleanBookName, UNNAMED_BOOK } from './books.js';
import { EngineCache, type CachedEngine } from './engine-cache.js';
import type { BookEngine, OpenBookEngine } from './engine-factory.js';
import { ImportCancelledError, LibraryError } from './errors.js';
import { LibraryLayout } from './layout.js';
import { MAX_BOOK_CHARS, MAX_GUIDES_PER_SERVER, MAX_TITLE_CHARS } from './limits.js';
import type { GuideParser } from './parser.js';
import { discardInterrupted } from './recovery.js';
import { SharedLibrary } from './shared-library.js';
import { changedSpoilers, findSection, guideSpoilers, type GuideSpoilers, type SpoilerChange } from './spoiler-settings.js';
import { readLibraryState, writeLibraryState, type LibraryGuide, type LibraryState } from './state.js';

/**
 * Every server's library: the shared host guides (if the server keeps them on) plus its own, by
 * book, with one engine per (server, book). A server with no guides of its own in a book uses the
 * shared engine of that book, so it costs no memory. Changes to a server's library are made one at a
 * time per server and become visible only when library.json is replaced: the new guide file and the
 * new index are written first, so a guide appears whole or not at all.
 */

export interface BookInfo {
  book: string;
  slug: string;
  /** Guides the host shares in this book (0 when the server turned the shared library off). */
  shared: number;
  /** The server's own guides in this book. */
  own: number;
}

export interface ResolvedBook {
  engine: BookEngine;
  book: string;
  /** How many books the server has (1: nothing about books needs saying to students). */
  bookCount: number;
}

export interface AddGuideRequest {
  parsed: IngestResult;
  fileName: string;
  addedBy: string;
  book?: string | undefined;
  title?: string | undefined;
}

/** A guide change: its title, its book, how far into the book its sections go. `spoilers.section.path` is what a teacher typed (checked against the guide's headings). */
export interface GuideUpdate {
  title?: string;
  book?: string;
  spoilers?: { reveals?: SpoilerChange['reveals']; section?: { typed: string; part: NonNullable<SpoilerChange['section']>['part'] } };
}

/** Runs when a server's own engine has opened, before it answers anyone (e.g. to add the server's teacher notes). */
export type EngineOpenedListener = (guildId: string, engine: BookEngine) => Promise<void>;

export interface ChangeOptions {
  onProgress?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

export interface LibraryOptions {
  root: string;
  corpusDir: string;
  indexDir: string;
  openEngine: OpenBookEngine;
  parser: Pick<GuideParser, 'toMarkdown'>;
  logger: Logger;
  /** Memory for servers' own engines; the shared ones are not counted (never evicted). */
  memoryBudgetBytes: number;
}

interface OpenedOwn extends CachedEngine {
  /** Texts the model embedded for it. */
  computed: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newGuideId = () => `g${randomBytes(6).toString('hex')}`;

export class Library {
  readonly layout: LibraryLayout;
  readonly shared: SharedLibrary;
  private readonly states = new Map<string, LibraryState>();
  private readonly cache: EngineCache;
  private readonly loading = new Map<string, Promise<CachedEngine>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly committedListeners = new Set<(guildId: string) => void>();
  private readonly openedListeners = new Set<EngineOpenedListener>();
  /** Own engines opened but not yet in the cache (being prepared, or built by a change not yet committed), by the server they are of. */
  private readonly opening = new Map<BookEngine, string>();
  private readonly logger: Logger;

  constructor(private readonly options: LibraryOptions) {
    this.layout = new LibraryLayout(options.root);
    this.logger = options.logger;
    this.shared = new SharedLibrary(options.corpusDir, options.indexDir, options.openEngine, options.logger);
    this.cache = new EngineCache(
      options.memoryBudgetBytes,
      (entry) => this.logger.info({ library: entry.key, mb: Math.round(entry.costBytes / 1048576) }, 'library unloaded (least recently used)'),
      (error, entry) => this.logger.error({ err: error, library: entry.key }, 'could not release an unloaded library engine'),
    );
  }

  /** Discards what interrupted imports left, then loads the shared books (building their index if needed). */
  async start(onProgress?: (event: BuildEvent) => void): Promise<void> {
    fs.mkdirSync(this.options.root, { recursive: true });
    discardInterrupted(this.layout, this.logger);
    await this.shared.load(onProgress);
  }

  /** The engine of the first shared book: the one for direct messages, the console and anything without a server. */
  sharedEngine(): BookEngine | undefined {
    const engine = this.shared.defaultBook()?.engine;
    // The bot keeps this one for its lifetime (direct messages, teacher notes): a reload must not close it.
    if (engine) this.shared.keepOpen(engine);
    return engine;
  }

  // ── Reading ─────────────────────────────────────────────────────────────────────────────────

  state(guildId: string): LibraryState {
    let state = this.states.get(guildId);
    if (!state) {
      state = readLibraryState(this.layout.stateFile(guildId));
      this.states.set(guildId, state);
    }
    return state;
  }

  /** Calls `listener` after each committed change of a server's library; returns the function that stops it. */
  onCommitted(listener: (guildId: string) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Calls `listener` for each of a server's own engines as it opens (also reloads after eviction or a change); returns the function that stops it. */
  onEngineOpened(listener: EngineOpenedListener): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  /** The engines of a server's own books this process holds now, including those still opening. */
  ownEngines(guildId: string): BookEngine[] {
    const cached = this.cache
      .keys()
      .filter((key) => key.startsWith(`${guildId}/`))
      .map((key) => this.cache.peek(key)!.engine);
    const opening = [...this.opening].filter(([, owner]) => owner === guildId).map(([engine]) => engine);
    return [...new Set([...cached, ...opening])];
  }

  /**
   * Drops what this process holds of a server's library (its state and loaded engines), so the next
   * use reads library.json and the book indexes again: another process (a shard on this machine)
   * changed them.
   */
  forget(guildId: string): void {
    this.states.delete(guildId);
    for (const key of this.cache.keys()) if (key.startsWith(`${guildId}/`)) this.cache.delete(key);
  }

  guides(guildId: string): LibraryGuide[] {
    return this.state(guildId).guides;
  }

  /** The server's books: shared ones first (in the host's order), then its own. */
  books(guildId: string | null): BookInfo[] {
    const state = guildId ? this.state(guildId) : undefined;
    const books = new Map<string, BookInfo>();
    if (!state || state.settings.sharedLibrary) for (const shared of this.shared.list()) books.set(shared.slug, { book: shared.book, slug: shared.slug, shared: shared.files.length, own: 0 });
    for (const guide of state?.guides ?? []) {
      const slug = bookSlug(guide.book);
      const info = books.get(slug) ?? { book: guide.book, slug, shared: 0, own: 0 };
      info.own++;
      books.set(slug, info);
    }
    return [...books.values()];
  }

  /** The canonical Markdown of one of the server's guides. */
  exportGuide(guildId: string, guideId: string): { guide: LibraryGuide; markdown: string } {
    const guide = this.findGuide(guildId, guideId);
    return { guide, markdown: fs.readFileSync(this.layout.guideFile(guildId, guide.id), 'utf8') };
  }

  findGuide(guildId: string, guideId: string): LibraryGuide {
    const guide = this.state(guildId).guides.find((candidate) => candidate.id === guideId);
    if (!guide) throw new LibraryError('That guide is not in this server’s library (it may have been removed). See `/guides list`.');
    return guide;
  }

  /**
   * The engine for a question: the book asked for, else the channel's default book, else the
   * server's only book, else the shared default book. Undefined when the server has no guides at all.
   */
  async engineFor(guildId: string | null, choice: { book?: string | null; channelId?: string | null } = {}): Promise<ResolvedBook | undefined> {
    const books = this.books(guildId);
    if (books.length === 0) return undefined;
    const wanted = choice.book ? bookSlug(choice.book) : undefined;
    if (wanted && !books.some((book) => book.slug === wanted)) {
      throw new LibraryError(`There is no book called “${cleanBookName(choice.book ?? '')}” here. The books are: ${books.map((book) => book.book).join(', ')}.`);
    }
    const channelBook = guildId && choice.channelId ? this.state(guildId).settings.channelBooks[choice.channelId] : undefined;
    const slug = wanted ?? (channelBook && books.some((book) => book.slug === bookSlug(channelBook)) ? bookSlug(channelBook) : undefined) ?? books[0]!.slug;
    const info = books.find((book) => book.slug === slug)!;
    if (!guildId || info.own === 0) return { engine: this.shared.get(slug)!.engine, book: info.book, bookCount: books.length };
    const loaded = await this.loadOwn(guildId, slug);
    return { engine: loaded.engine, book: info.book, bookCount: books.length };
  }

  /** Every engine a server's interactions may have come from that is in memory now (to find a section or quiz question by id). */
  loadedEngines(guildId: string | null): BookEngine[] {
    const own = guildId ? this.cache.keys().filter((key) => key.startsWith(`${guildId}/`)) : [];
    return [...own.map((key) => this.cache.peek(key)!.engine), ...this.shared.list().map((book) => book.engine)];
  }

  /** Loaded servers' engines and their measured memory. */
  memory(): { loaded: number; bytes: number } {
    return { loaded: this.cache.size, bytes: this.cache.totalBytes() };
  }

  // ── Engines of a server's own books ─────────────────────────────────────────────────────────

  /** The guide files of a (server, book): the shared ones when on, then the server's own (`overrides` point at staged files). */
  private filesFor(guildId: string, state: LibraryState, slug: string, overrides: ReadonlyMap<string, string> = new Map()): string[] {
    const shared = state.settings.sharedLibrary ? (this.shared.get(slug)?.files ?? []) : [];
    const own = state.guides.filter((guide) => bookSlug(guide.book) === slug).map((guide) => overrides.get(guide.id) ?? this.layout.guideFile(guildId, guide.id));
    return [...shared, ...own];
  }

  private async openOwn(guildId: string, slug: string, files: string[], options: ChangeOptions = {}, reuseIndexFrom?: string): Promise<OpenedOwn> {
    const specHash = filesHash(files);
    const indexDir = this.layout.bookIndexDir(guildId, slug, specHash);
    const previous = this.cache.peek(`${guildId}/${slug}`)?.indexDir ?? newestSibling(this.layout.bookIndexRoot(guildId, slug), indexDir) ?? this.shared.get(slug)?.indexDir;
    const rssBefore = process.memoryUsage().rss;
    const spec = { guideFiles: files, indexDir, ...(previous ? { seedCacheFrom: previous } : {}), ...(reuseIndexFrom && reuseIndexFrom !== indexDir ? { reuseIndexFrom } : {}) };
    const opened = await this.options.openEngine(spec, options.onProgress);
    const costBytes = process.memoryUsage().rss - rssBefore;
    // Registered before the listeners run: something added meanwhile (a teacher note) reaches it through ownEngines().
    this.opening.set(opened.engine, guildId);
    for (const listener of this.openedListeners) {
      try {
        await listener(guildId, opened.engine);
      } catch (error) {
        this.logger.error({ err: error, library: `${guildId}/${slug}` }, 'could not prepare an opened library engine');
      }
    }
    return { key: `${guildId}/${slug}`, engine: opened.engine, specHash, indexDir, costBytes, computed: opened.computed };
  }

  private loadOwn(guildId: string, slug: string): Promise<CachedEngine> {
    const key = `${guildId}/${slug}`;
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.openOwn(guildId, slug, this.filesFor(guildId, this.state(guildId), slug))
        .then(({ computed: _computed, ...entry }) => {
          this.cache.set(entry);
          this.opening.delete(entry.engine);
          removeSiblings(this.layout.bookIndexRoot(guildId, slug), entry.indexDir);
          this.logger.info({ library: key, mb: Math.round(entry.costBytes / 1048576) }, 'library loaded');
          return entry;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  // ── Changes ─────────────────────────────────────────────────────────────────────────────────

  /** Runs one change of a server's library after the ones before it. */
  private serial<T>(guildId: string, change: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(guildId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(change);
    this.queues.set(
      guildId,
      next.catch(() => undefined),
    );
    return next;
  }

  /**
   * Builds the indexes of the books a change touches (from `next` and the staged files), then
   * commits: staged files moved into place, library.json replaced, engines swapped, old indexes and
   * files deleted. Cancelled or failed before the commit, nothing of it is left.
   */
  private async apply(
    guildId: string,
    next: LibraryState,
    change: { books: string[]; staged?: Map<string, string>; deleted?: string[]; reuseIndex?: ReadonlyMap<string, string> },
    options: ChangeOptions = {},
  ): Promise<void> {
    const staged = change.staged ?? new Map<string, string>();
    const built: (CachedEngine | { key: string; slug: string; empty: true })[] = [];
    const stagingDirs = [...staged.values()].map((file) => path.dirname(file));
    const discardBuilt = () => {
      for (const entry of built) if (!('empty' in entry)) this.opening.delete(entry.engine);
      for (const entry of built) {
        if ('empty' in entry || this.cache.peek(entry.key)?.indexDir === entry.indexDir) continue;
        if (this.cache.peek(entry.key)?.engine !== entry.engine)
          void Promise.resolve(entry.engine.close?.()).catch((error: unknown) => this.logger.error({ err: error }, 'could not release a discarded engine'));
        fs.rmSync(entry.indexDir, { recursive: true, force: true });
      }
      for (const dir of stagingDirs) fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
      for (const slug of new Set(change.books)) {
        const ownLeft = next.guides.some((guide) => bookSlug(guide.book) === slug);
        if (!ownLeft) {
          built.push({ key: `${guildId}/${slug}`, slug, empty: true });
          continue;
        }
        built.push(await this.openOwn(guildId, slug, this.filesFor(guildId, next, slug, staged), options, change.reuseIndex?.get(slug)));
        if (options.signal?.aborted) throw new ImportCancelledError();
      }
      if (options.signal?.aborted) throw new ImportCancelledError();
    } catch (error) {
      discardBuilt();
      throw error;
    }
    // The commit: from here on the change is made, whatever happens to the clean-up.
    for (const [guideId, file] of staged) moveFileAtomic(file, this.layout.guideFile(guildId, guideId));
    writeLibraryState(this.layout.stateFile(guildId), next);
    this.states.set(guildId, next);
    for (const entry of built) {
      if ('empty' in entry) {
        this.cache.delete(entry.key);
        fs.rmSync(this.layout.bookIndexRoot(guildId, entry.slug), { recursive: true, force: true });
      } else {
        this.cache.set(entry);
        this.opening.delete(entry.engine);
        removeSiblings(this.layout.bookIndexRoot(guildId, entry.key.slice(guildId.length + 1)), entry.indexDir);
      }
    }
    for (const guideId of change.deleted ?? []) fs.rmSync(this.layout.guideFile(guildId, guideId), { force: true });
    for (const dir of stagingDirs) fs.rmSync(dir, { recursive: true, force: true });
    this.committed(guildId);
  }

  private committed(guildId: string): void {
    for (const listener of this.committedListeners) listener(guildId);
  }

  /** Writes a guide's canonical Markdown into a fresh staging folder and checks the corpus loader reads it back. */
  private async stage(guildId: string, guideId: string, markdown: string): Promise<string> {
    const dir = path.join(this.layout.stagingRoot(guildId), `${guideId}-${randomBytes(4).toString('hex')}`);
    const file = path.join(dir, `${guideId}.md`);
    writeFileAtomic(file, markdown);
    try {
      await loadGuideFile(file);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (error instanceof CorpusError) throw new LibraryError(`This file has no text Guidebot can index (${error.message}). Nothing was added.`);
      throw error;
    }
    return file;
  }

  /** The book a new guide goes in: the one asked for, else its front matter's, else the shared default (an existing book's spelling wins). */
  private bookFor(guildId: string, requested: string | undefined, guide: Guide): string {
    const book = cleanBookName(requested ?? bookOfMeta(guide.meta) ?? this.shared.defaultBook()?.book ?? UNNAMED_BOOK);
    if (book === '' || book.length > MAX_BOOK_CHARS) throw new LibraryError(`A book name must be 1 to ${MAX_BOOK_CHARS} characters.`);
    return this.books(guildId).find((info) => info.slug === bookSlug(book))?.book ?? book;
  }

  private markdownOf(guide: Guide, id: string, title: string, book: string): string {
    return this.options.parser.toMarkdown({ ...guide, source: `${id}.md`, title, meta: { ...guide.meta, book } });
  }

  /** Adds a parsed guide: indexed first, then visible. */
  addGuide(guildId: string, request: AddGuideRequest, options: ChangeOptions = {}): Promise<LibraryGuide> {
    return this.serial(guildId, async () => {
      const state = this.state(guildId);
      if (state.guides.length >= MAX_GUIDES_PER_SERVER)
        throw new LibraryError(`This server already has ${MAX_GUIDES_PER_SERVER} guides, the most it can hold. Remove one with \`/guides remove\` first.`);
      const guide = request.parsed.guide;
      const title = cleanTitle(request.title ?? guide.title);
      const book = this.bookFor(guildId, request.book, guide);
      const id = newGuideId();
      const markdown = this.markdownOf(guide, id, title, book);
      const staged = await this.stage(guildId, id, markdown);
      const entry: LibraryGuide = {
        id,
        title,
        book,
        fileName: request.fileName,
        format: request.parsed.format,
        words: guide.sections.reduce((sum, section) => sum + section.paragraphs.reduce((words, paragraph) => words + paragraph.split(/\s+/).filter(Boolean).length, 0), 0),
        sections: guide.sections.length,
        ...(request.parsed.pageCount ? { pages: request.parsed.pageCount } : {}),
        addedBy: request.addedBy,
        addedAt: new Date().toISOString(),
        sha256: sha256(markdown),
      };
      const next: LibraryState = { ...state, guides: [...state.guides, entry] };
      await this.apply(guildId, next, { books: [bookSlug(book)], staged: new Map([[id, staged]]) }, options);
      this.logger.info({ guildId, guide: id, title, book, format: entry.format, words: entry.words }, 'guide added');
      return entry;
    });
  }

  removeGuide(guildId: string, guideId: string): Promise<LibraryGuide> {
    return this.serial(guildId, async () => {
      const state = this.state(guildId);
      const guide = this.findGuide(guildId, guideId);
      const next: LibraryState = { ...state, guides: state.guides.filter((candidate) => candidate.id !== guideId) };
      await this.apply(guildId, next, { books: [bookSlug(guide.book)], deleted: [guideId] });
      this.logger.info({ guildId, guide: guideId, title: guide.title }, 'guide removed');
      return guide;
    });
  }

  /** A guide's sections and the part of the book each reveals. */
  async guideSpoilers(guildId: string, guideId: string): Promise<{ guide: LibraryGuide } & GuideSpoilers> {
    const guide = this.findGuide(guildId, guideId);
    return { guide, ...guideSpoilers(await loadGuideFile(this.layout.guideFile(guildId, guide.id))) };
  }

  /**
   * Renames a guide, moves it to another book, changes how far into the book its sections go, or all
   * of these: its Markdown is rewritten and the books involved re-indexed (vectors from the embedding
   * cache). A section's part is not in the index files (the engine reads it from the guide's front
   * matter when it opens), so a change of parts only copies the book's index. A change that changes
   * nothing writes nothing. A section that is not in the guide throws a LibraryError before anything is written.
   */
  updateGuide(guildId: string, guideId: string, update: GuideUpdate, options: ChangeOptions = {}): Promise<{ before: LibraryGuide; after: LibraryGuide; changed: boolean }> {
    return this.serial(guildId, async () => {
      const state = this.state(guildId);
      const before = this.findGuide(guildId, guideId);
      const stored = await loadGuideFile(this.layout.guideFile(guildId, guideId));
      const title = update.title === undefined ? before.title : cleanTitle(update.title);
      const book = update.book === undefined ? before.book : this.bookFor(guildId, update.book, stored);
      const wanted = update.spoilers;
      const meta = wanted
        ? {
            ...stored.meta,
            spoilers: changedSpoilers(stored, {
              ...(wanted.reveals ? { reveals: wanted.reveals } : {}),
              ...(wanted.section ? { section: { path: findSection(stored, wanted.section.typed), part: wanted.section.part } } : {}),
            }),
          }
        : stored.meta;
      const markdown = this.markdownOf({ ...stored, meta }, guideId, title, book);
      if (sha256(markdown) === before.sha256 && book === before.book && title === before.title) return { before, after: before, changed: false };
      const staged = await this.stage(guildId, guideId, markdown);
      const after: LibraryGuide = { ...before, title, book, sha256: sha256(markdown) };
      const next: LibraryState = { ...state, guides: state.guides.map((guide) => (guide.id === guideId ? after : guide)) };
      const reuseIndex = title === before.title && book === before.book ? await this.sameChunksIndex(guildId, state, bookSlug(book), stored, staged) : undefined;
      await this.apply(guildId, next, { books: [bookSlug(before.book), bookSlug(book)], staged: new Map([[guideId, staged]]), ...(reuseIndex ? { reuseIndex } : {}) }, options);
      this.logger.info({ guildId, guide: guideId, title, book, spoilers: wanted ? meta.spoilers : undefined }, 'guide changed');
      return { before, after, changed: true };
    });
  }

  /**
   * The book's current index, when the rewritten guide file chunks exactly as before (only its front
   * matter's spoiler map changed, which the index does not hold): the new index is then a copy of it.
   */
  private async sameChunksIndex(guildId: string, state: LibraryState, slug: string, stored: Guide, staged: string): Promise<Map<string, string> | undefined> {
    const ids = (guide: Guide) => chunkGuide(guide).map((chunk) => chunk.id);
    if (ids(await loadGuideFile(staged)).join('\n') !== ids(stored).join('\n')) return undefined;
    return new Map([[slug, this.layout.bookIndexDir(guildId, slug, filesHash(this.filesFor(guildId, state, slug)))]]);
  }

  /** Turns the host's shared guides on or off for a server; its own books are re-indexed on their next use. */
  setSharedLibrary(guildId: string, on: boolean): Promise<void> {
    return this.serial(guildId, () => {
      const state = this.state(guildId);
      const next: LibraryState = { ...state, settings: { ...state.settings, sharedLibrary: on } };
      writeLibraryState(this.layout.stateFile(guildId), next);
      this.states.set(guildId, next);
      for (const key of this.cache.keys()) if (key.startsWith(`${guildId}/`)) this.cache.delete(key);
      this.committed(guildId);
      this.logger.info({ guildId, sharedLibrary: on }, 'shared library setting changed');
      return Promise.resolve();
    });
  }

  /** Sets (or with null clears) a channel's default book. */
  setChannelBook(guildId: string, channelId: string, book: string | null): Promise<string | null> {
    return this.serial(guildId, () => {
      const state = this.state(guildId);
      const channelBooks = { ...state.settings.channelBooks };
      let chosen: string | null = null;
      if (book === null) delete channelBooks[channelId];
      else {
        const info = this.books(guildId).find((candidate) => candidate.slug === bookSlug(book));
        if (!info)
          throw new LibraryError(
            `There is no book called “${cleanBookName(book)}” here. The books are: ${this.books(guildId)
              .map((candidate) => candidate.book)
              .join(', ')}.`,
          );
        channelBooks[channelId] = info.book;
        chosen = info.book;
      }
      const next: LibraryState = { ...state, settings: { ...state.settings, channelBooks } };
      writeLibraryState(this.layout.stateFile(guildId), next);
      this.states.set(guildId, next);
      this.committed(guildId);
      return Promise.resolve(chosen);
    });
  }

  /**
   * Re-reads the host's folder (the watcher calls this): changed shared books get new engines, and
   * servers' loaded engines that include them are dropped, to be rebuilt (from cached vectors) on
   * their next question.
   */
  async reloadShared(): Promise<{ changed: string[]; computed: number }> {
    const result = await this.shared.reload();
    const changed = new Set(result.changed.map(bookSlug));
    for (const key of this.cache.keys()) {
      const [guildId = '', slug = ''] = key.split('/');
      if (changed.has(slug) && this.state(guildId).settings.sharedLibrary) this.cache.delete(key);
    }
    return result;
  }
}

function cleanTitle(title: string): string {
  const cleaned = title.replace(/\s+/g, ' ').trim();
  if (cleaned === '' || cleaned.length > MAX_TITLE_CHARS) throw new LibraryError(`A guide title must be 1 to ${MAX_TITLE_CHARS} characters.`);
  return cleaned;
}

/** The most recently built other index folder of a book (to seed a new one's embedding cache). */
function newestSibling(root: string, except: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  return names
    .map((name) => path.join(root, name))
    .filter((dir) => dir !== except)
    .map((dir) => ({ dir, at: fs.statSync(dir).mtimeMs }))
    .sort((a, b) => b.at - a.at)[0]?.dir;
}

/** Deletes a book's other index folders once a new one is in use. */
function removeSiblings(root: string, keep: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) if (path.join(root, name) !== keep) fs.rmSync(path.join(root, name), { recursive: true, force: true });
}

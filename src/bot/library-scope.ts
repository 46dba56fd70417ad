import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { BookEngine } from '../library/engine-factory.js';
import { LibraryError } from '../library/errors.js';
import { SectionLookup } from '../section-lookup.js';
import { AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX } from './limits.js';
import type { BotServices } from './services.js';
import { StudyQuestionLookup } from './study-questions.js';
import type { Answer } from '../search/answer.js';

/**
 * Student commands run against one book of the server's library. `scoped` gives a handler the
 * services with the engine, sections and study questions of that book, so everything downstream
 * (rendering, buttons, hooks) works unchanged. Without a library, the services are returned as they are.
 */

export const BOOK_OPTION = 'book';
export const BOOK_OPTION_DESCRIPTION = 'Which book (only when your server studies more than one)';

export interface BookScope {
  services: BotServices;
  /** The book answered from, and how many the server has. */
  book: string | undefined;
  bookCount: number;
}

const lookups = new WeakMap<BookEngine, { sections: SectionLookup; studyQuestions: StudyQuestionLookup }>();

function lookupsOf(engine: BookEngine) {
  let found = lookups.get(engine);
  if (!found) {
    found = { sections: new SectionLookup(engine), studyQuestions: new StudyQuestionLookup(engine) };
    lookups.set(engine, found);
  }
  return found;
}

function withEngine(services: BotServices, engine: BookEngine): BotServices {
  if (engine === services.engine) return services;
  return { ...services, engine, ...lookupsOf(engine) };
}

/** The services for the book an interaction asks for (its `book` option), else the channel's default, else the server's first. */
export async function scoped(interaction: Interaction, services: BotServices, book?: string | null): Promise<BookScope> {
  const library = services.library;
  if (!library) return { services, book: undefined, bookCount: 1 };
  const resolved = await library.engineFor(interaction.guildId, { book: book ?? null, channelId: interaction.channelId });
  if (!resolved) throw new LibraryError('This server has no guides yet: the shared guides are turned off and no teacher has added any. A teacher can add one with `/guides add`.');
  return { services: withEngine(services, resolved.engine), book: resolved.book, bookCount: resolved.bookCount };
}

/** The `book` option of a student command. */
export function bookOptionOf(interaction: ChatInputCommandInteraction): string | null {
  return interaction.options.getString(BOOK_OPTION);
}

/**
 * The services of whichever book of the server holds a section or study question with this short id
 * (for buttons and forms): the loaded books first, then the server's own books not in memory (a
 * button from before a restart, or from a book unloaded since).
 */
export async function scopedById(interaction: Interaction, services: BotServices, has: (scope: BotServices) => boolean): Promise<BotServices | undefined> {
  if (has(services)) return services;
  const library = services.library;
  if (!library) return undefined;
  const tried = new Set<BookEngine>();
  for (const engine of library.loadedEngines(interaction.guildId)) {
    tried.add(engine);
    const scope = withEngine(services, engine);
    if (has(scope)) return scope;
  }
  for (const book of library.books(interaction.guildId).filter((info) => info.own > 0)) {
    const resolved = await library.engineFor(interaction.guildId, { book: book.book });
    if (!resolved || tried.has(resolved.engine)) continue;
    const scope = withEngine(services, resolved.engine);
    if (has(scope)) return scope;
  }
  return undefined;
}

/** The services of a named book of a server, or the services as they are when the server no longer has it. */
export async function scopedByBook(guildId: string, services: BotServices, book: string | undefined): Promise<BotServices> {
  if (!services.library || book === undefined) return services;
  try {
    const resolved = await services.library.engineFor(guildId, { book });
    return resolved ? withEngine(services, resolved.engine) : services;
  } catch (error) {
    if (error instanceof LibraryError) return services;
    throw error;
  }
}

/** Autocomplete of the `book` option: the server's books matching what was typed. */
export async function autocompleteBook(interaction: AutocompleteInteraction, services: BotServices): Promise<void> {
  const typed = String(interaction.options.getFocused() ?? '').toLowerCase();
  const books = services.library?.books(interaction.guildId) ?? [];
  await interaction.respond(
    books
      .filter((book) => book.book.toLowerCase().includes(typed))
      .slice(0, AUTOCOMPLETE_CHOICES_MAX)
      .map((book) => ({ name: book.book.slice(0, CHOICE_NAME_MAX), value: book.book.slice(0, CHOICE_NAME_MAX) })),
  );
}

/** A line under an answer naming its book, only where the server has several. */
export function bookNotice(scope: BookScope): string[] {
  return scope.bookCount > 1 && scope.book ? [`From the guides for ${scope.book}.`] : [];
}

/** The server's own book an answer's passages come from (for an answer stored without its book), else undefined. */
export function bookOfAnswer(services: BotServices, guildId: string, answer: Pick<Answer, 'passages'>): string | undefined {
  const guides = services.library?.guides(guildId) ?? [];
  for (const passage of answer.passages) {
    const guide = guides.find((candidate) => `${candidate.id}.md` === passage.source);
    if (guide) return guide.book;
  }
  return undefined;
}

import {
  AttachmentBuilder,
  ButtonStyle,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type SlashCommandStringOption,
} from 'discord.js';
import type { BuildEvent } from '../../engine.js';
import { IngestError } from '../../guide/ingest/types.js';
import { bookSlug } from '../../library/books.js';
import { ImportCancelledError, LibraryError } from '../../library/errors.js';
import type { Library } from '../../library/library.js';
import { sectionChoiceValue, type SectionPartChoice } from '../../library/spoiler-settings.js';
import type { BookPart } from '../../guide/spoilers.js';
import { MAX_BOOK_CHARS, MAX_GUIDE_FILE_BYTES, MAX_TITLE_CHARS, PROGRESS_EDIT_INTERVAL_MS } from '../../library/limits.js';
import type { GuideParser } from '../../library/parser.js';
import { safeInline } from '../../render/discord.js';
import type { CommandModule, HandlerContext } from '../command.js';
import { button, rows } from '../components.js';
import { customId } from '../custom-id.js';
import { InvalidOptionError } from '../errors.js';
import { checkAttachmentSize, downloadAttachment } from '../library/download.js';
import type { PendingImports, PendingPreview } from '../library/pending.js';
import { libraryEmbed, PART_NAMES, previewEmbed, progressLine, spoilerEmbed } from '../library/views.js';
import { AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX } from '../limits.js';
import { defer, NO_MENTIONS, send, update } from '../respond.js';
import type { BotServices } from '../services.js';
import { teacherAccess } from '../teacher/access.js';

export const GUIDES_ADD = 'guides-add';
export const GUIDES_CANCEL = 'guides-cancel';

const NOTHING_CHANGED = 'Nothing was changed.';
const NO_LIBRARY = 'This bot was started without a guide library, so guides cannot be added from Discord. Ask whoever runs it to set LIBRARY_DIR and restart it.';
const EXPIRED = 'This preview has expired (previews last 15 minutes). Nothing was added: upload the file again with `/guides add`.';

interface LibraryParts {
  library: Library;
  parser: GuideParser;
  imports: PendingImports;
}

function libraryParts(services: BotServices): LibraryParts | undefined {
  return services.library && services.parser && services.imports ? { library: services.library, parser: services.parser, imports: services.imports } : undefined;
}

/** A preview's buttons work only for the teacher who uploaded it, in its server. */
const ownPreview = (pending: PendingPreview, guildId: string, userId: string) => pending.guildId === guildId && pending.userId === userId;

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function add(interaction: ChatInputCommandInteraction, parts: LibraryParts, guildId: string, { log }: HandlerContext): Promise<void> {
  const attachment = interaction.options.getAttachment('file');
  if (!attachment) throw new InvalidOptionError('file');
  const book = interaction.options.getString('book') ?? undefined;
  const title = interaction.options.getString('title') ?? undefined;
  // The announced size first: an oversized file is refused without downloading it.
  checkAttachmentSize(attachment.size);
  await defer(interaction, { ephemeral: true });
  const bytes = await downloadAttachment(attachment.url);
  const parsed = await parts.parser.ingest({ fileName: attachment.name, bytes, ...(title ? { title } : {}) });
  const preview = parts.parser.preview(parsed);
  const bookName = book ?? (typeof parsed.guide.meta.book === 'string' ? parsed.guide.meta.book : undefined) ?? parts.library.shared.defaultBook()?.book ?? 'General';
  parts.imports.put(interaction.id, {
    guildId,
    userId: interaction.user.id,
    fileName: attachment.name,
    guideTitle: parsed.guide.title,
    parsed,
    ...(book ? { book } : {}),
    ...(title ? { title } : {}),
    createdAt: Date.now(),
  });
  log.info({ guildId, file: attachment.name, format: parsed.format, sections: preview.sections.length, warnings: preview.warnings.length }, 'guide previewed');
  await send(interaction, {
    embeds: [previewEmbed(preview, { fileName: attachment.name, book: bookName, format: parsed.format, pageCount: parsed.pageCount })],
    components: rows([button(customId(GUIDES_ADD, interaction.id), 'Add', ButtonStyle.Success), button(customId(GUIDES_CANCEL, interaction.id), 'Cancel', ButtonStyle.Secondary)]),
  });
}

/** Indexes an accepted upload in the background, editing the message with progress; the handler that started it has returned. */
async function runImport(interaction: ButtonInteraction, parts: LibraryParts, token: string, preview: PendingPreview, services: BotServices): Promise<void> {
  const title = preview.title ?? preview.guideTitle;
  const controller = parts.imports.start(token, preview);
  const stop = rows([button(customId(GUIDES_CANCEL, token), 'Cancel', ButtonStyle.Secondary)]);
  let lastEdit = 0;
  let editing: Promise<unknown> = Promise.resolve();
  const show = (event: BuildEvent) => {
    const now = Date.now();
    if (now - lastEdit < PROGRESS_EDIT_INTERVAL_MS) return;
    lastEdit = now;
    editing = editing.then(() => interaction.editReply({ content: progressLine(title, event), embeds: [], components: stop, allowedMentions: NO_MENTIONS })).catch(() => undefined);
  };
  try {
    // Read back from the preview's files (through the parser thread): the preview may be from before a restart.
    const pending = await parts.imports.take(token);
    if (!pending) throw new LibraryError(EXPIRED);
    if (controller.signal.aborted) throw new ImportCancelledError();
    const guide = await parts.library.addGuide(
      pending.guildId,
      { parsed: pending.parsed, fileName: pending.fileName, addedBy: interaction.user.username, book: pending.book, title: pending.title },
      { onProgress: show, signal: controller.signal },
    );
    await editing;
    const books = parts.library.books(pending.guildId);
    const where = books.length > 1 ? ` Students choose it with \`book:${guide.book}\` on /ask, /section, /quote and /quiz (or set a channel's default with \`/config book\`).` : '';
    await interaction.editReply({
      content: `✅ **${safeInline(guide.title, 150)}** is ready in *${safeInline(guide.book, 80)}* (${count(guide.sections, 'section')}, ${count(guide.words, 'word')}). Students can ask about it now.${where}`,
      embeds: [],
      components: [],
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    await editing;
    const known = error instanceof LibraryError || error instanceof IngestError || error instanceof ImportCancelledError;
    if (!known) services.logger.error({ err: error, guildId: preview.guildId, file: preview.fileName }, 'guide import failed');
    const content =
      error instanceof ImportCancelledError
        ? 'Cancelled: the guide was not added, and the library is as it was.'
        : known
          ? error.message
          : `Sorry, adding **${safeInline(title, 150)}** failed. ${NOTHING_CHANGED} Please try again.`;
    await interaction.editReply({ content, embeds: [], components: [], allowedMentions: NO_MENTIONS }).catch(() => undefined);
  } finally {
    parts.imports.finish(token);
  }
}

function guideOption(interaction: ChatInputCommandInteraction): string {
  const id = interaction.options.getString('guide');
  if (!id) throw new InvalidOptionError('guide');
  return id;
}

/** The server's own guide an option names: its id (the autocomplete value) or its exact title. */
function resolveGuide(library: Library, guildId: string, typed: string) {
  const guides = library.guides(guildId);
  const found = guides.find((guide) => guide.id === typed) ?? guides.find((guide) => guide.title.toLowerCase() === typed.trim().toLowerCase());
  if (!found) throw new LibraryError(`This server has no guide called “${safeInline(typed, 100)}”. Pick one from the list as you type (see \`/guides list\`). ${NOTHING_CHANGED}`);
  return found;
}

const PART_CHOICES = [
  { name: 'nothing of the plot', value: 'none' },
  { name: 'Part One', value: 'part-one' },
  { name: 'Part Two', value: 'part-two' },
  { name: 'Part Three', value: 'part-three' },
] as const satisfies readonly { name: string; value: BookPart }[];
const SECTION_PART_CHOICES = [...PART_CHOICES, { name: "the guide's own part (clear the section's)", value: 'default' }] as const;

const partOption = (interaction: ChatInputCommandInteraction, name: string): SectionPartChoice | undefined => {
  const value = interaction.options.getString(name);
  if (value === null) return undefined;
  const known = SECTION_PART_CHOICES.find((choice) => choice.value === value);
  if (!known || (name === 'reveals' && value === 'default')) throw new InvalidOptionError(name);
  return known.value;
};

/** `/guides book`: a guide's book and how far into the book its sections go; with only `guide:`, shows them. */
async function setBook(interaction: ChatInputCommandInteraction, library: Library, guildId: string, { services }: HandlerContext): Promise<void> {
  const guide = resolveGuide(library, guildId, guideOption(interaction));
  const book = interaction.options.getString('book') ?? undefined;
  const reveals = partOption(interaction, 'reveals') as BookPart | undefined;
  const section = interaction.options.getString('section') ?? undefined;
  const part = partOption(interaction, 'part');
  if (section !== undefined && part === undefined) throw new LibraryError(`Choose the \`part:\` of the book that section reveals as well. ${NOTHING_CHANGED}`);
  if (part !== undefined && section === undefined) throw new LibraryError(`Choose the \`section:\` that part is for (or use \`reveals:\` for the whole guide). ${NOTHING_CHANGED}`);
  const moving = book !== undefined && bookSlug(book) !== bookSlug(guide.book);
  await defer(interaction, { ephemeral: true });
  const lines: string[] = [];
  if (book !== undefined && !moving)
    lines.push(`**${safeInline(guide.title, 150)}** is already in *${safeInline(guide.book, 80)}*.${reveals === undefined && section === undefined ? ` ${NOTHING_CHANGED}` : ''}`);
  if (moving || reveals !== undefined || section !== undefined) {
    const spoilers = reveals !== undefined || section !== undefined ? { ...(reveals ? { reveals } : {}), ...(section !== undefined && part ? { section: { typed: section, part } } : {}) } : undefined;
    const { after, changed } = await library.updateGuide(guildId, guide.id, { ...(moving ? { book } : {}), ...(spoilers ? { spoilers } : {}) });
    if (moving) lines.push(`**${safeInline(after.title, 150)}** is now in *${safeInline(after.book, 80)}* (it was in *${safeInline(guide.book, 80)}*).`);
    if (spoilers) lines.push(changed || moving ? 'Spoiler parts saved: answers, `/section` and `/quote` use them now.' : `The spoiler parts were already so. ${NOTHING_CHANGED}`);
  }
  const mode = services.store ? (await services.store.settings.get(guildId)).spoilerMode : undefined;
  const notice = mode === 'off' ? 'Spoiler control is off in this server, so nothing is hidden yet: /config spoilers turns it on.' : undefined;
  const current = await library.guideSpoilers(guildId, guide.id);
  return send(interaction, { content: lines.join('\n'), embeds: [spoilerEmbed(current.guide, current, notice)] });
}

async function run(interaction: ChatInputCommandInteraction, context: HandlerContext): Promise<void> {
  const { services, log } = context;
  const access = await teacherAccess(interaction, services, 'manage the guides');
  if (!access) return;
  const parts = libraryParts(services);
  if (!parts) return send(interaction, { content: NO_LIBRARY }, { ephemeral: true });
  const { library } = parts;
  const { guildId } = access;
  const sub = interaction.options.getSubcommand(false);

  switch (sub) {
    case 'add':
      return add(interaction, parts, guildId, context);
    case 'list': {
      const state = library.state(guildId);
      const sharedTotal = library.shared.list().reduce((sum, book) => sum + book.files.length, 0);
      return send(interaction, { embeds: [libraryEmbed(library.books(guildId), state.guides, state.settings.sharedLibrary, sharedTotal)] }, { ephemeral: true });
    }
    case 'remove': {
      const guide = resolveGuide(library, guildId, guideOption(interaction));
      await defer(interaction, { ephemeral: true });
      await library.removeGuide(guildId, guide.id);
      log.info({ guildId, guide: guide.id }, 'guide removed');
      return send(interaction, { content: `Removed **${safeInline(guide.title, 150)}** from *${safeInline(guide.book, 80)}*: its text and its vectors are deleted, and answers no longer quote it.` });
    }
    case 'rename': {
      const guide = resolveGuide(library, guildId, guideOption(interaction));
      const title = interaction.options.getString('title');
      if (!title) throw new InvalidOptionError('title');
      await defer(interaction, { ephemeral: true });
      const { after } = await library.updateGuide(guildId, guide.id, { title });
      return send(interaction, { content: `Renamed **${safeInline(guide.title, 150)}** to **${safeInline(after.title, 150)}**. Citations use the new title now.` });
    }
    case 'book':
      return setBook(interaction, library, guildId, context);
    case 'export': {
      const guide = resolveGuide(library, guildId, guideOption(interaction));
      const { markdown } = library.exportGuide(guildId, guide.id);
      const name = `${bookSlug(guide.title)}.md`;
      await defer(interaction, { ephemeral: true });
      await interaction.editReply({
        content: `**${safeInline(guide.title, 150)}** as Guidebot read it, in Markdown. Fix headings or text in any editor and upload it again with \`/guides add\` (then remove the old one).`,
        files: [new AttachmentBuilder(Buffer.from(markdown, 'utf8'), { name, description: 'Guide as Markdown' })],
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    case 'shared': {
      const on = interaction.options.getString('state') === 'on';
      await library.setSharedLibrary(guildId, on);
      return send(
        interaction,
        {
          content: on
            ? "The host's shared guides are **on**: students get them as well as this server's own."
            : "The host's shared guides are **off**: students get only this server's own guides." +
              (library.guides(guildId).length === 0 ? ' This server has none yet, so /ask has nothing to answer from until you add one with `/guides add`.' : ''),
        },
        { ephemeral: true },
      );
    }
    default:
      return send(interaction, { content: 'Unknown subcommand. `/help` lists what `/guides` does.' }, { ephemeral: true });
  }
}

async function autocomplete(interaction: AutocompleteInteraction, { services }: HandlerContext): Promise<void> {
  const library = services.library;
  const guildId = interaction.guildId;
  if (!library || !guildId) return interaction.respond([]);
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value).toLowerCase();
  if (focused.name === 'section') {
    const typedGuide = interaction.options.getString('guide') ?? '';
    const guide =
      library.guides(guildId).find((candidate) => candidate.id === typedGuide) ?? library.guides(guildId).find((candidate) => candidate.title.toLowerCase() === typedGuide.trim().toLowerCase());
    if (!guide) return interaction.respond([]);
    const { sections } = await library.guideSpoilers(guildId, guide.id);
    const matching = sections.filter((section) => section.path.join(' › ').toLowerCase().includes(typed));
    return interaction.respond(
      matching.slice(0, AUTOCOMPLETE_CHOICES_MAX).map((section) => {
        // A long heading path keeps its end: the section's own heading and its part.
        const name = `${section.path.join(' › ')} · ${PART_NAMES[section.part]}`;
        return { name: name.length <= CHOICE_NAME_MAX ? name : `…${name.slice(-(CHOICE_NAME_MAX - 1))}`, value: sectionChoiceValue(section.path) };
      }),
    );
  }
  if (focused.name === 'guide') {
    const guides = library.guides(guildId).filter((guide) => `${guide.title} ${guide.book}`.toLowerCase().includes(typed));
    return interaction.respond(guides.slice(0, AUTOCOMPLETE_CHOICES_MAX).map((guide) => ({ name: `${guide.title} · ${guide.book}`.slice(0, CHOICE_NAME_MAX), value: guide.id })));
  }
  const books = library.books(guildId).filter((book) => book.book.toLowerCase().includes(typed));
  return interaction.respond(books.slice(0, AUTOCOMPLETE_CHOICES_MAX).map((book) => ({ name: book.book.slice(0, CHOICE_NAME_MAX), value: book.book.slice(0, CHOICE_NAME_MAX) })));
}

/** The longest `section:` typed (a heading path). */
const MAX_SECTION_CHARS = 100;

const guideChoice = (option: SlashCommandStringOption) => option.setName('guide').setDescription("One of this server's guides").setRequired(true).setAutocomplete(true).setMaxLength(MAX_TITLE_CHARS);

export const guidesCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('guides')
    .setDescription("Teachers: this server's study guides (add, list, remove, rename, book, export, shared)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('add')
        .setDescription(`Add a guide from a file (a document, web page, Markdown or text, up to ${MAX_GUIDE_FILE_BYTES / 1048576} MB); preview first`)
        .addAttachmentOption((option) => option.setName('file').setDescription('The guide file').setRequired(true))
        .addStringOption((option) => option.setName('book').setDescription('The book it is about (default: its own, else the shared book)').setAutocomplete(true).setMaxLength(MAX_BOOK_CHARS))
        .addStringOption((option) => option.setName('title').setDescription('Its title in citations (default: the document’s own)').setMaxLength(MAX_TITLE_CHARS)),
    )
    .addSubcommand((sub) => sub.setName('list').setDescription("This server's guides, by book"))
    .addSubcommand((sub) => sub.setName('remove').setDescription('Remove a guide: its text and vectors are deleted').addStringOption(guideChoice))
    .addSubcommand((sub) =>
      sub
        .setName('rename')
        .setDescription('Change the title citations show')
        .addStringOption(guideChoice)
        .addStringOption((option) => option.setName('title').setDescription('The new title').setRequired(true).setMaxLength(MAX_TITLE_CHARS)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('book')
        .setDescription('A guide’s book and how far into the book its sections go (spoilers); only guide: shows them')
        .addStringOption(guideChoice)
        .addStringOption((option) => option.setName('book').setDescription('Move it to this book (an existing one or a new name)').setAutocomplete(true).setMaxLength(MAX_BOOK_CHARS))
        .addStringOption((option) =>
          option
            .setName('reveals')
            .setDescription('How far into the book the whole guide goes (sections without a part of their own)')
            .addChoices(...PART_CHOICES),
        )
        .addStringOption((option) => option.setName('section').setDescription('A section of the guide to give a part of its own').setAutocomplete(true).setMaxLength(MAX_SECTION_CHARS))
        .addStringOption((option) =>
          option
            .setName('part')
            .setDescription('How far into the book that section goes')
            .addChoices(...SECTION_PART_CHOICES),
        ),
    )
    .addSubcommand((sub) => sub.setName('export').setDescription('A guide as Markdown, to fix offline and upload again').addStringOption(guideChoice))
    .addSubcommand((sub) =>
      sub
        .setName('shared')
        .setDescription("Whether students also get the host's shared guides")
        .addStringOption((option) => option.setName('state').setDescription('on or off').setRequired(true).addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' })),
    )
    .toJSON(),
  help: {
    usage: '/guides add|list|remove|rename|book|export|shared',
    example: '/guides add file:chapter-notes.pdf book:Frankenstein',
    description:
      "Teachers: add guides from a file (PDF, Word, web page, Markdown or text) after a preview, list, remove, rename or move them between books, set how far into the book a guide and each of its sections go (spoilers), export one as Markdown, and turn the host's shared guides on or off.",
  },
  execute: run,
  autocomplete,

  buttons: [
    {
      prefix: GUIDES_ADD,
      async handle(interaction, [token = ''], { services }) {
        const access = await teacherAccess(interaction, services, 'add guides');
        if (!access) return;
        const parts = libraryParts(services);
        const pending = parts?.imports.peek(token);
        if (!parts || !pending || !ownPreview(pending, access.guildId, interaction.user.id)) return update(interaction, { content: EXPIRED, embeds: [], components: [] });
        const title = pending.title ?? pending.guideTitle;
        await update(interaction, { content: progressLine(title, undefined), embeds: [], components: rows([button(customId(GUIDES_CANCEL, token), 'Cancel', ButtonStyle.Secondary)]) });
        // Indexing goes on after this handler returns: nobody's interactions wait for it.
        void runImport(interaction, parts, token, pending, services);
      },
    },
    {
      prefix: GUIDES_CANCEL,
      async handle(interaction, [token = ''], { services }) {
        const access = await teacherAccess(interaction, services, 'add guides');
        if (!access) return;
        const parts = libraryParts(services);
        const owner = { guildId: access.guildId, userId: interaction.user.id };
        if (parts?.imports.abort(token, owner)) return update(interaction, { content: 'Cancelling…', embeds: [], components: [] });
        const waiting = parts?.imports.peek(token);
        const pending = waiting && ownPreview(waiting, owner.guildId, owner.userId) ? parts?.imports.discard(token) : undefined;
        return update(interaction, {
          content: pending ? `Cancelled: **${safeInline(pending.title ?? pending.guideTitle, 150)}** was not added. ${NOTHING_CHANGED}` : EXPIRED,
          embeds: [],
          components: [],
        });
      },
    },
  ],
};

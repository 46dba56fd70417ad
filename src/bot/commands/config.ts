import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type APIEmbed, type ChatInputCommandInteraction } from 'discord.js';
import { clampEmbed } from '../../render/discord.js';
import { InvalidInputError, type AnswerVisibility, type GuildSettings, type ReviewMode, type SpoilerMode } from '../../store/index.js';
import type { CommandModule, HandlerContext } from '../command.js';
import { InvalidOptionError } from '../errors.js';
import { send } from '../respond.js';
import { teacherAccess, type GuildAccess } from '../teacher/access.js';
import { checkPostableChannel, POSTABLE_CHANNEL_TYPES } from '../teacher/channels.js';
import { SPOILER_MODE_LABELS } from '../teacher/spoilers.js';
import { autocompleteBook } from '../library-scope.js';

export const SETTINGS_COLOUR = 0x5d4037;
const LIMITS = { perUser: { min: 1, max: 1000 }, window: { min: 1, max: 86_400 } } as const;

/** The server's settings, for `/config show` and after every change. */
export function settingsEmbed(settings: GuildSettings, extra: { pendingReviews: number; retentionDays: number; defaults: { perUser: number; windowSeconds: number } }): APIEmbed {
  const channels = settings.allowedChannelIds.length === 0 ? 'Everywhere' : settings.allowedChannelIds.map((id) => `<#${id}>`).join(', ');
  const review =
    settings.reviewMode === 'on'
      ? `**On**: students' answers are private until a teacher approves them in <#${settings.reviewChannelId}> (${extra.pendingReviews} waiting)`
      : `Off${settings.reviewChannelId ? ` (queue when on: <#${settings.reviewChannelId}>)` : ''}`;
  const isDefault = settings.rateLimitPerUser === extra.defaults.perUser && settings.rateLimitWindowSeconds === extra.defaults.windowSeconds;
  return clampEmbed({
    title: 'Guidebot settings for this server',
    color: SETTINGS_COLOUR,
    fields: [
      { name: 'Where /ask works', value: channels },
      { name: 'Answers', value: settings.answerVisibility === 'public' ? 'Public in the channel by default (students can still choose private)' : 'Private to the student' },
      { name: 'Review mode', value: review },
      { name: 'Spoilers', value: SPOILER_MODE_LABELS[settings.spoilerMode] },
      {
        name: 'Rate limit',
        value: `${settings.rateLimitPerUser} question${settings.rateLimitPerUser === 1 ? '' : 's'} per student per ${settings.rateLimitWindowSeconds} seconds${isDefault ? ' (the default)' : ''}`,
      },
      { name: 'Teacher role', value: settings.teacherRoleId ? `<@&${settings.teacherRoleId}> (and anyone with Manage Server)` : 'None: teachers are members with the Manage Server permission' },
      { name: 'Log retention', value: `Questions and votes are deleted after ${extra.retentionDays} days (RETENTION_DAYS, set by whoever runs the bot)` },
    ],
    footer: { text: 'Change with /config channels, answers, review, spoilers, limits or teacher-role.' },
  });
}

async function reply(interaction: ChatInputCommandInteraction, access: GuildAccess, services: HandlerContext['services'], message: string, settings: GuildSettings) {
  return send(
    interaction,
    {
      content: message,
      embeds: [
        settingsEmbed(settings, {
          pendingReviews: (await access.store.reviews.listPending(access.guildId, 1000)).length,
          retentionDays: access.teacher.retentionDays,
          defaults: { perUser: services.config.RATE_LIMIT_PER_USER, windowSeconds: services.config.RATE_LIMIT_WINDOW_SECONDS },
        }),
      ],
    },
    { ephemeral: true },
  );
}

function refuse(interaction: ChatInputCommandInteraction, message: string) {
  return send(interaction, { content: message }, { ephemeral: true });
}

function choice<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((item) => item === value);
}

async function run(interaction: ChatInputCommandInteraction, { services, log }: HandlerContext): Promise<void> {
  const access = await teacherAccess(interaction, services, 'change Guidebot settings');
  if (!access) return;
  const { store, guildId } = access;
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(false);
  const done = (message: string, settings: GuildSettings) => {
    log.info({ guildId, setting: group ? `${group} ${sub}` : sub }, 'settings changed');
    return reply(interaction, access, services, message, settings);
  };

  try {
    if (group === 'channels') {
      if (sub === 'clear') return done('/ask now works in every channel.', await store.settings.setAllowedChannels(guildId, []));
      const channelOption = interaction.options.get('channel')?.value;
      if ((sub === 'add' || sub === 'remove') && typeof channelOption !== 'string') throw new InvalidOptionError('channel');
      const channelId = String(channelOption);
      if (sub === 'add') {
        const check = await checkPostableChannel(interaction, channelId);
        if (!check.ok) return refuse(interaction, check.message);
        if (access.settings.allowedChannelIds.includes(check.channel.id)) return done(`<#${check.channel.id}> was already on the list.`, access.settings);
        return done(
          `/ask now works in <#${check.channel.id}>${access.settings.allowedChannelIds.length > 0 ? ' as well' : ' (and only there, until you add more channels)'}.`,
          await store.settings.allowChannel(guildId, check.channel.id),
        );
      }
      if (sub === 'remove') {
        if (!access.settings.allowedChannelIds.includes(channelId)) {
          return refuse(interaction, `<#${channelId}> is not on the list of channels for /ask, so nothing was changed.`);
        }
        const settings = await store.settings.disallowChannel(guildId, channelId);
        return done(
          settings.allowedChannelIds.length === 0 ? `Removed <#${channelId}>. The list is empty, so /ask works in every channel again.` : `/ask no longer works in <#${channelId}>.`,
          settings,
        );
      }
    }
    switch (sub) {
      case 'book': {
        const library = services.library;
        if (!library) return refuse(interaction, 'This bot was started without a guide library, so there is only one book. Nothing was changed.');
        const book = interaction.options.getString('book');
        const channelOption = interaction.options.get('channel')?.value;
        const channelId = typeof channelOption === 'string' ? channelOption : interaction.channelId;
        const chosen = await library.setChannelBook(guildId, channelId, book);
        log.info({ guildId, channelId, book: chosen }, 'channel book set');
        return send(
          interaction,
          {
            content: chosen
              ? `Questions in <#${channelId}> now go to *${chosen}* unless a student picks another book.`
              : `<#${channelId}> has no default book now: questions go to the server's first book unless a student picks one.`,
          },
          { ephemeral: true },
        );
      }
      case 'show':
        return reply(interaction, access, services, '', access.settings);
      case 'answers': {
        const visibility = choice<AnswerVisibility>(interaction.options.getString('visibility'), ['public', 'private']);
        if (!visibility) return refuse(interaction, 'Visibility must be `public` or `private`. Nothing was changed.');
        return done(
          visibility === 'public' ? 'Answers are now public in the channel by default.' : 'Answers are now private to the student who asked.',
          await store.settings.setAnswerVisibility(guildId, visibility),
        );
      }
      case 'review': {
        const mode = choice<ReviewMode>(interaction.options.getString('mode'), ['off', 'on']);
        if (!mode) return refuse(interaction, 'Review mode must be `on` or `off`. Nothing was changed.');
        const queue = interaction.options.get('queue')?.value;
        let queueId: string | undefined;
        if (queue !== undefined) {
          const check = await checkPostableChannel(interaction, typeof queue === 'string' ? queue : undefined);
          if (!check.ok) return refuse(interaction, check.message);
          queueId = check.channel.id;
        } else if (mode === 'on') {
          if (!access.settings.reviewChannelId)
            return refuse(interaction, 'Review mode needs a queue channel: use `/config review mode:on queue:#channel` with the channel where teachers review answers. Nothing was changed.');
          const check = await checkPostableChannel(interaction, access.settings.reviewChannelId);
          if (!check.ok) return refuse(interaction, `The review queue ${check.message.charAt(0).toLowerCase()}${check.message.slice(1)}`);
        }
        const settings = await store.settings.setReviewMode(guildId, mode, queueId);
        return done(
          mode === 'on'
            ? `Review mode is on. Students' answers are private until a teacher approves them in <#${settings.reviewChannelId}>.${settings.answerVisibility === 'private' ? ' Note: answers are private in this server (`/config answers`), so nothing is posted in the channel and nothing waits for review until you make them public.' : ''}`
            : `Review mode is off. Answers are shown at once.${(await store.reviews.listPending(guildId, 1)).length > 0 ? ' Items already in the queue can still be approved or rejected.' : ''}`,
          settings,
        );
      }
      case 'spoilers': {
        const mode = choice<SpoilerMode>(interaction.options.getString('mode'), ['off', 'tag', 'progress']);
        if (!mode) return refuse(interaction, 'Spoiler mode must be `off`, `tag` or `progress`. Nothing was changed.');
        return done(`Spoiler mode is now ${SPOILER_MODE_LABELS[mode]}.`, await store.settings.setSpoilerMode(guildId, mode));
      }
      case 'limits': {
        const reset = interaction.options.getBoolean('reset') ?? false;
        if (reset) return done('The rate limit is back to the default.', await store.settings.setRateLimit(guildId, null, null));
        const perUser = interaction.options.get('per_user')?.value;
        const window = interaction.options.get('window')?.value;
        if (perUser === undefined && window === undefined) return refuse(interaction, 'Give `per_user` (questions) and/or `window` (seconds), or `reset:true`. Nothing was changed.');
        const problems = [
          perUser !== undefined && !isIntIn(perUser, LIMITS.perUser) && `\`per_user\` must be a whole number from ${LIMITS.perUser.min} to ${LIMITS.perUser.max}`,
          window !== undefined && !isIntIn(window, LIMITS.window) && `\`window\` must be a whole number of seconds from ${LIMITS.window.min} to ${LIMITS.window.max} (one day)`,
        ].filter(Boolean);
        if (problems.length > 0) return refuse(interaction, `${problems.join('; ')}. Nothing was changed.`);
        const settings = await store.settings.setRateLimit(
          guildId,
          perUser === undefined ? access.settings.rateLimitPerUser : (perUser as number),
          window === undefined ? access.settings.rateLimitWindowSeconds : (window as number),
        );
        return done(`Each student may now ask ${settings.rateLimitPerUser} question${settings.rateLimitPerUser === 1 ? '' : 's'} per ${settings.rateLimitWindowSeconds} seconds.`, settings);
      }
      case 'teacher-role': {
        const role = interaction.options.get('role')?.value;
        if (role === undefined) return done('The teacher role was removed: teachers are members with the Manage Server permission.', await store.settings.setTeacherRole(guildId, null));
        if (typeof role !== 'string' || role === guildId) return refuse(interaction, 'Choose a role other than @everyone. Nothing was changed.');
        if (interaction.guild && !interaction.guild.roles.cache.has(role)) return refuse(interaction, "I can't find that role in this server. Nothing was changed.");
        return done(`Members with <@&${role}> can now use the teacher commands (so can anyone with Manage Server).`, await store.settings.setTeacherRole(guildId, role));
      }
      default:
        // A subcommand this version does not know (or none): answered below.
        break;
    }
  } catch (error) {
    if (error instanceof InvalidInputError) return refuse(interaction, `${error.message} Nothing was changed.`);
    throw error;
  }
  return refuse(interaction, 'Unknown setting. `/config show` lists the settings.');
}

function isIntIn(value: unknown, range: { min: number; max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

export const configCommand: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('config')
    .setDescription("Teachers: this server's Guidebot settings")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) => sub.setName('show').setDescription("Show this server's settings"))
    .addSubcommandGroup((group) =>
      group
        .setName('channels')
        .setDescription('Where /ask may be used (default: everywhere)')
        .addSubcommand((sub) =>
          sub
            .setName('add')
            .setDescription('Allow /ask in a channel (once any is added, only listed channels work)')
            .addChannelOption((option) =>
              option
                .setName('channel')
                .setDescription('A text channel')
                .setRequired(true)
                .addChannelTypes(...POSTABLE_CHANNEL_TYPES),
            ),
        )
        .addSubcommand((sub) =>
          sub
            .setName('remove')
            .setDescription('Stop allowing /ask in a channel')
            .addChannelOption((option) =>
              option
                .setName('channel')
                .setDescription('A channel on the list')
                .setRequired(true)
                .addChannelTypes(...POSTABLE_CHANNEL_TYPES),
            ),
        )
        .addSubcommand((sub) => sub.setName('clear').setDescription('Allow /ask in every channel again')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('answers')
        .setDescription('Whether answers are public in the channel by default')
        .addStringOption((option) =>
          option
            .setName('visibility')
            .setDescription('public (students can still choose private) or private')
            .setRequired(true)
            .addChoices({ name: 'public', value: 'public' }, { name: 'private', value: 'private' }),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('review')
        .setDescription('Review mode: answers wait for a teacher before they are posted')
        .addStringOption((option) => option.setName('mode').setDescription('on or off').setRequired(true).addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }))
        .addChannelOption((option) =>
          option
            .setName('queue')
            .setDescription('Where teachers review answers (needed the first time)')
            .addChannelTypes(...POSTABLE_CHANNEL_TYPES),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('spoilers')
        .setDescription('Hide plot spoilers: tag them, or follow each student’s reading progress')
        .addStringOption((option) =>
          option
            .setName('mode')
            .setDescription('off, tag (spoiler tags) or progress (by /progress)')
            .setRequired(true)
            .addChoices({ name: 'off', value: 'off' }, { name: 'tag', value: 'tag' }, { name: 'progress', value: 'progress' }),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('limits')
        .setDescription('How many questions a student may ask in a time window')
        .addIntegerOption((option) => option.setName('per_user').setDescription('Questions per student per window').setMinValue(LIMITS.perUser.min).setMaxValue(LIMITS.perUser.max))
        .addIntegerOption((option) => option.setName('window').setDescription('Window length in seconds').setMinValue(LIMITS.window.min).setMaxValue(LIMITS.window.max))
        .addBooleanOption((option) => option.setName('reset').setDescription('Go back to the default limit')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('book')
        .setDescription("A channel's default book, when the server studies several (leave empty to clear)")
        .addStringOption((option) => option.setName('book').setDescription('The book').setAutocomplete(true).setMaxLength(100))
        .addChannelOption((option) =>
          option
            .setName('channel')
            .setDescription('The channel (default: this one)')
            .addChannelTypes(...POSTABLE_CHANNEL_TYPES),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('teacher-role')
        .setDescription('A role whose members may use the teacher commands (leave empty to remove it)')
        .addRoleOption((option) => option.setName('role').setDescription('The teacher role')),
    )
    .toJSON(),
  help: {
    usage: '/config show|channels|answers|review|spoilers|limits|book|teacher-role',
    example: '/config review mode:on queue:#teachers',
    description: "Teachers: this server's settings: where /ask works, public or private answers, review mode, spoiler control, the rate limit, a channel's default book and the teacher role.",
  },
  execute: run,
  autocomplete: (interaction, { services }) => autocompleteBook(interaction, services),
};

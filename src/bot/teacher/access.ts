import { PermissionFlagsBits, type APIInteractionGuildMember, type GuildMember, type Interaction, type PermissionsBitField, type RepliableInteraction } from 'discord.js';
import type { GuildSettings, Store } from '../../store/index.js';
import { send } from '../respond.js';
import type { BotServices } from '../services.js';
import type { TeacherRuntime } from './runtime.js';
import { interactionSettings } from './interaction-settings.js';

/**
 * Who may do what. Teacher commands are registered with `default_member_permissions` = Manage
 * Server, so Discord hides them from students, but a server can override that per channel or per
 * role, so every call is checked again here: the member's permissions in this channel (the
 * interaction's `memberPermissions`) must include Manage Server, or the member must have the
 * server's configured teacher role.
 */

export const TEACHER_PERMISSION = PermissionFlagsBits.ManageGuild;

export const ACCESS_MESSAGES = {
  guildOnly: 'This command only works in a server, not in direct messages.',
  noStore: "This needs Guidebot's database, which this bot was started without. Ask whoever runs the bot to set DB_PATH and restart it.",
  teachersOnly: (what: string) => `Only teachers can ${what}: it needs the **Manage Server** permission, or the teacher role set with \`/config teacher-role\`. Nothing was changed.`,
} as const;

type MemberLike = GuildMember | APIInteractionGuildMember | null | undefined;

/** The role ids of an interaction's member, from the cache or the raw payload. */
export function memberRoleIds(member: MemberLike): string[] {
  if (!member) return [];
  const roles = member.roles;
  if (Array.isArray(roles)) return roles;
  return [...roles.cache.keys()];
}

export interface MemberFacts {
  memberPermissions: Readonly<PermissionsBitField> | null;
  member: MemberLike;
}

/** True when the member may use teacher commands here. */
export function isTeacher(facts: MemberFacts, settings: Pick<GuildSettings, 'teacherRoleId'> | null): boolean {
  if (facts.memberPermissions?.has(TEACHER_PERMISSION)) return true;
  const role = settings?.teacherRoleId;
  return role !== null && role !== undefined && memberRoleIds(facts.member).includes(role);
}

export async function interactionIsTeacher(interaction: Interaction, store: Store | undefined): Promise<boolean> {
  if (!interaction.inGuild()) return false;
  let settings: GuildSettings | null = null;
  try {
    settings = store ? await interactionSettings(store, interaction, interaction.guildId) : null;
  } catch {
    settings = null;
  }
  return isTeacher({ memberPermissions: interaction.memberPermissions, member: interaction.member }, settings);
}

export interface GuildAccess {
  guildId: string;
  store: Store;
  teacher: TeacherRuntime;
  settings: GuildSettings;
}

/**
 * Checks a server interaction has what server features need (a database, a server). Answers the
 * person (privately) and returns undefined when not.
 */
export async function guildAccess(interaction: RepliableInteraction, services: BotServices): Promise<GuildAccess | undefined> {
  const store = services.store;
  const teacher = services.teacher;
  if (!interaction.inGuild()) {
    await send(interaction, { content: ACCESS_MESSAGES.guildOnly }, { ephemeral: true });
    return undefined;
  }
  if (!store || !teacher) {
    await send(interaction, { content: ACCESS_MESSAGES.noStore }, { ephemeral: true });
    return undefined;
  }
  return { guildId: interaction.guildId, store, teacher, settings: await store.settings.get(interaction.guildId) };
}

/** Like guildAccess, and the member must be a teacher; `what` completes "Only teachers can …". */
export async function teacherAccess(interaction: RepliableInteraction, services: BotServices, what: string): Promise<GuildAccess | undefined> {
  const access = await guildAccess(interaction, services);
  if (!access) return undefined;
  if (!isTeacher({ memberPermissions: interaction.memberPermissions, member: interaction.member }, access.settings)) {
    await send(interaction, { content: ACCESS_MESSAGES.teachersOnly(what) }, { ephemeral: true });
    return undefined;
  }
  return access;
}

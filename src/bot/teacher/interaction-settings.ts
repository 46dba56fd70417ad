import type { GuildSettings, Store } from '../../store/index.js';

const snapshots = new WeakMap<object, Promise<GuildSettings>>();

/**
 * A server's settings as one interaction sees them: read from the store by the first check of the
 * interaction that needs them (its rate limit, whether the person is a teacher, where `/ask` is
 * allowed, spoiler control), then shared by its other checks instead of one read each. The next
 * interaction reads them again, so a change applies from the next question on, in every process.
 * For checks only: a command that changes settings reads and writes the store itself.
 */
export function interactionSettings(store: Store, interaction: object | undefined, guildId: string): Promise<GuildSettings> {
  // Outside an interaction (a mention, a console question) there is nothing to share the read with.
  if (interaction === undefined) return store.settings.get(guildId);
  let settings = snapshots.get(interaction);
  if (settings === undefined) {
    settings = store.settings.get(guildId);
    snapshots.set(interaction, settings);
  }
  return settings;
}

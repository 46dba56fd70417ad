import type { GuildSettings } from '../../store/index.js';
import type { AskContext } from '../ask-hooks.js';
import type { TeacherRuntime } from './runtime.js';
import { taggedPartsFor } from './spoilers.js';

/**
 * Engine and rendering options for someone reading answers in a server: their reading progress in
 * progress mode (teachers see everything), spoiler tags, and other servers' notes left out.
 */
export async function readerOptions(
  runtime: TeacherRuntime,
  reader: { guildId: string | null; userId: string; teacher: boolean; ephemeral: boolean },
  settings?: GuildSettings,
): Promise<{ askOptions: AskContext['askOptions']; render: AskContext['render']; progressSet: boolean }> {
  const askOptions: AskContext['askOptions'] = { skip: runtime.skipFor(reader.guildId) };
  if (!reader.guildId) return { askOptions, render: {}, progressSet: true };
  const current = settings ?? (await runtime.store.settings.get(reader.guildId));
  let progressSet = true;
  if (current.spoilerMode === 'progress' && !reader.teacher) {
    const progress = await runtime.readerPart(reader.guildId, reader.userId);
    askOptions.readerPart = progress.part;
    progressSet = progress.set;
  }
  return { askOptions, render: { spoilerParts: taggedPartsFor(current.spoilerMode, reader.ephemeral) }, progressSet };
}

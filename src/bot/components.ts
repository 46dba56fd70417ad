import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId } from 'discord.js';
import { truncate } from '../render/discord.js';
import { BUTTON_LABEL_MAX, BUTTONS_PER_ROW_MAX } from './limits.js';

export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

export function button(
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger = ButtonStyle.Secondary,
  disabled = false,
): APIButtonComponentWithCustomId {
  return { type: ComponentType.Button, custom_id: customId, label: truncate(label, BUTTON_LABEL_MAX), style, ...(disabled ? { disabled: true } : {}) };
}

/** Rows of at most five buttons, skipping buttons whose custom id is already used (Discord rejects duplicates). */
export function rows(buttons: APIButtonComponentWithCustomId[]): ButtonRow[] {
  const seen = new Set<string>();
  const unique = buttons.filter((item) => !seen.has(item.custom_id) && seen.add(item.custom_id));
  const out: ButtonRow[] = [];
  for (let i = 0; i < unique.length; i += BUTTONS_PER_ROW_MAX) out.push({ type: ComponentType.ActionRow, components: unique.slice(i, i + BUTTONS_PER_ROW_MAX) });
  return out;
}

/** Previous / Next buttons for page `page` of `pages` (none when there is one page). */
export function pagerRow(idFor: (page: number) => string, page: number, pages: number): ButtonRow[] {
  if (pages <= 1) return [];
  return rows([button(idFor(Math.max(0, page - 1)), '◀ Previous', ButtonStyle.Secondary, page <= 0), button(idFor(Math.min(pages - 1, page + 1)), 'Next ▶', ButtonStyle.Secondary, page >= pages - 1)]);
}

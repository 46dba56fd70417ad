import { z } from 'zod';
import type { Guide } from './types.js';

/**
 * How far into the novel a section's content goes. A guide's front matter maps heading paths
 * (joined with " › ") to the latest part of the book whose events the section reveals:
 *
 *   spoilers:
 *     default: part-three
 *     sections:
 *       "Plot Summary › Part One: Life at Hailsham": part-one
 */
export const BOOK_PARTS = ['none', 'part-one', 'part-two', 'part-three'] as const;
export type BookPart = (typeof BOOK_PARTS)[number];

const partSchema = z.enum(BOOK_PARTS);
export const spoilerMapSchema = z
  .object({
    default: partSchema.default('part-three'),
    sections: z.record(z.string(), partSchema).default({}),
  })
  .strict();

export const partRank = (part: BookPart) => BOOK_PARTS.indexOf(part);

/** True when a section at `part` may be shown to a reader who has read up to `readerPart`. */
export const isWithin = (part: BookPart, readerPart: BookPart) => partRank(part) <= partRank(readerPart);

/** Reads a guide's spoiler map; throws with a message naming the guide when it is malformed. */
export function spoilerMap(guide: Pick<Guide, 'source' | 'meta'>): z.infer<typeof spoilerMapSchema> {
  const parsed = spoilerMapSchema.safeParse(guide.meta.spoilers ?? {});
  if (!parsed.success) {
    throw new Error(`The spoilers map in ${guide.source} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function sectionPart(map: z.infer<typeof spoilerMapSchema>, path: string[]): BookPart {
  return map.sections[path.join(' › ')] ?? map.default;
}

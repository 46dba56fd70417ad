import type { BookPart } from '../../guide/spoilers.js';
import type { ReadingProgress, SpoilerMode } from '../../store/index.js';

/**
 * Spoiler control. Every passage carries the latest part of the novel it reveals (from the guides'
 * front matter, see corpus/README.md). A server chooses:
 *  - `off`: nothing is hidden;
 *  - `tag`: quoted plot passages (Part Two or Part Three) are wrapped in Discord spoiler tags;
 *  - `progress`: passages beyond a student's reading progress (`/progress`) are not used at all;
 *    a student who has not set it sees only sections that reveal nothing (`none`). An answer that
 *    is posted in the channel is also tagged, since others in the channel may have read less.
 */

/** Parts whose passages are wrapped in spoiler tags. Part One (Hailsham) is where every reader starts. */
export const TAGGED_PARTS: readonly BookPart[] = ['part-two', 'part-three'];

/** How far a student has read, as the latest part of the novel they may see. */
export function readerPartOf(progress: ReadingProgress | null | undefined): BookPart {
  switch (progress) {
    case 'part-one':
      return 'part-one';
    case 'part-two':
      return 'part-two';
    case 'part-three':
    case 'finished':
      return 'part-three';
    default:
      return 'none';
  }
}

export const PROGRESS_LABELS: Record<ReadingProgress, string> = {
  'part-one': 'Part One (Hailsham)',
  'part-two': 'Part Two (the Cottages)',
  'part-three': 'Part Three (becoming adults)',
  finished: 'the whole novel',
};

export const READER_PART_LABELS: Record<BookPart, string> = {
  none: 'the start of the novel',
  'part-one': 'Part One',
  'part-two': 'Part Two',
  'part-three': 'the end of the novel',
};

export const SPOILER_MODE_LABELS: Record<SpoilerMode, string> = {
  off: 'off (nothing is hidden)',
  tag: 'tag (quoted plot passages from Part Two and Part Three are hidden behind spoiler tags)',
  progress: "progress (each student only sees passages up to how far they've read, set with /progress)",
};

/** Which parts to wrap in spoiler tags for an answer, given the server's mode and whether the answer is public. */
export function taggedPartsFor(mode: SpoilerMode, ephemeral: boolean): readonly BookPart[] {
  if (mode === 'tag') return TAGGED_PARTS;
  if (mode === 'progress' && !ephemeral) return TAGGED_PARTS;
  return [];
}

export const PROGRESS_NOTICE =
  "Spoiler control is on in this server: I only quote sections that give nothing of the plot away, because you haven't told me how far you've read. Set it with `/progress part:<part-one|part-two|part-three|finished>` to see more.";

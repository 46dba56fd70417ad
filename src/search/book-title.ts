import { normaliseForMatch } from '../guide/normalise.js';

/**
 * The studied book's title in a question. Students shorten it to its initials ("nlmg" for *Never
 * Let Me Go*), which become the title again; and since every passage of the guides is about the book,
 * naming it says nothing about what a question asks ("who is glimbert in never let me go"), so the
 * title is left out of what is searched, unless it is all the question names ("what is never let me
 * go about").
 */
export class BookTitle {
  private readonly title: string;
  private readonly initials: string;

  constructor(title: string) {
    this.title = normaliseForMatch(title);
    this.initials = this.title
      .split(' ')
      .map((word) => word[0] ?? '')
      .join('');
  }

  /** "nlmg" → "Never Let Me Go". */
  expandInitials(text: string, displayTitle: string): string {
    if (this.initials.length < 3) return text;
    return text.replace(new RegExp(`\\b${this.initials}\\b`, 'gi'), displayTitle);
  }

  /** The text without the title (and an "in", "of", "from" or "about" before it); the text as it is when nothing else would be left. */
  withoutTitle(text: string, hasTopic: (text: string) => boolean): string {
    const words = this.title.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`(\\b(in|of|from|about)\\s+)?(the\\s+(book|novel)\\s+)?["“'‘]?${words.join('[^\\p{L}\\p{N}]+')}["”'’]?`, 'giu');
    const stripped = text.replace(pattern, ' ').replace(/\s+/g, ' ').trim();
    return stripped !== text && hasTopic(stripped) ? stripped : text;
  }
}

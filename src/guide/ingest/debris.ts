/**
 * Lines that web pages leave in copied text and that are not the guide's words: read-time badges,
 * shop links, audio-player timestamps, comment widgets.
 */
const DEBRIS_LINES: RegExp[] = [
  /^⏱?\s*\d+\s*min(ute)?s?\s+read$/i,
  /^buy (the|this) book\b/i,
  /^(\d{1,2}:)?\d{1,2}:\d{2}(\s+(\d{1,2}:)?\d{1,2}:\d{2})*$/,
  /^(subscribe|notify of|guest|\d+ comments?|inline feedbacks|view all comments|share to\.*|share|reply|log ?in|sign ?up)$/i,
  /^(exclusive to members|get access now|save your favou?rites|less ads|free newsletter|learn more|read more|join .{1,40} for free!?|comment with .{1,40})$/i,
];

/** The line without web-page debris: undefined when the whole line is debris. */
export function removeDebris(line: string): string | undefined {
  if (DEBRIS_LINES.some((pattern) => pattern.test(line))) return undefined;
  // An image's alt text glued to the next heading: "Title by Author - Book Cover Summary".
  const cover = /^.*\s-\s*Book Cover\s*(.*)$/i.exec(line);
  if (cover) return cover[1]?.trim() || undefined;
  return line;
}

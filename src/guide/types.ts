/** A study guide as loaded from one corpus file. */
export interface Guide {
  /** Corpus file name, e.g. `never-let-me-go-study-guide.md`. */
  source: string;
  title: string;
  author?: string;
  /** Front-matter fields other than title/author, as written. */
  meta: Record<string, unknown>;
  sections: Section[];
}

/** One heading of a guide and the paragraphs directly under it. */
export interface Section {
  /** Heading path from the top-level heading down, e.g. ["Character Analysis", "Ruth C. - The Manipulator Seeking Belonging"]. */
  path: string[];
  /** Paragraph texts exactly as the guide wrote them (markup such as list markers removed). */
  paragraphs: string[];
  /** The source page of each paragraph (guides from PDFs, or Markdown with `<!-- page N -->` markers). */
  pages?: number[];
}

export interface Sentence {
  /** Exactly as the guide wrote it. */
  text: string;
  /** Normalised for search (see normalise.ts). */
  normalised: string;
}

/** The unit of retrieval: part or all of one paragraph, never across a section boundary. */
export interface Chunk {
  /** Stable: derived from the guide, heading path, paragraph position and text. */
  id: string;
  source: string;
  guide: string;
  path: string[];
  /** 1-based paragraph number within its section. */
  paragraph: number;
  /** 1-based part number when a long paragraph is split; 1 otherwise. */
  part: number;
  /** The source page of the paragraph, for guides that have pages. */
  page?: number;
  /** Exactly as the guide wrote it. */
  text: string;
  sentences: Sentence[];
}

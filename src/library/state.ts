import fs from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';

/** library.json: a server's guides and its library settings. The file is the commit point of every change. */

export const LIBRARY_FORMAT_VERSION = 1;

const guideSchema = z.object({
  id: z.string().regex(/^g[0-9a-f]{12}$/),
  title: z.string().min(1),
  book: z.string().min(1),
  fileName: z.string(),
  format: z.enum(['markdown', 'text', 'pdf', 'docx', 'html']),
  words: z.number().int().nonnegative(),
  sections: z.number().int().nonnegative(),
  pages: z.number().int().positive().optional(),
  addedBy: z.string(),
  addedAt: z.string(),
  /** sha256 of the canonical Markdown in guides/<id>.md. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const stateSchema = z.object({
  version: z.literal(LIBRARY_FORMAT_VERSION),
  guides: z.array(guideSchema),
  settings: z.object({
    /** Whether the host's shared guides are part of this server's library. */
    sharedLibrary: z.boolean(),
    /** The default book of a channel (channel id → book name). */
    channelBooks: z.record(z.string(), z.string()),
  }),
});

export type LibraryGuide = z.infer<typeof guideSchema>;
export type LibraryState = z.infer<typeof stateSchema>;

export const EMPTY_LIBRARY: LibraryState = { version: LIBRARY_FORMAT_VERSION, guides: [], settings: { sharedLibrary: true, channelBooks: {} } };

/** A library.json that cannot be read: the message names the file. */
export class LibraryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryFileError';
  }
}

export function readLibraryState(file: string): LibraryState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY_LIBRARY);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LibraryFileError(`${file} is not valid JSON; restore it from a backup or remove it (the server's own guides are then forgotten).`);
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) throw new LibraryFileError(`${file} is not a Guidebot library file (${result.error.issues[0]?.message ?? 'unknown problem'}).`);
  return result.data;
}

export function writeLibraryState(file: string, state: LibraryState): void {
  writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

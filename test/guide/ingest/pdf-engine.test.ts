import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkGuide, citation } from '../../../src/guide/chunk.js';
import { loadCorpus } from '../../../src/guide/load.js';
import { decodeChunks } from '../../../src/search/chunk-store.js';
import { INDEX_FILES } from '../../../src/search/index-store.js';
import { withoutParagraph } from '../../../src/render/view.js';
import { openTestEngine, tempDir, testConfig } from '../../helpers/engine.js';
import { makePdf, STUDY_NOTES } from './make-pdf.js';

describe('a PDF guide in the corpus', async () => {
  const corpus = tempDir('guidebot-pdf-corpus-');
  fs.writeFileSync(path.join(corpus, 'study-notes.pdf'), await makePdf(STUDY_NOTES, { header: 'Never Let Me Go — Study Notes' }));
  const config = testConfig({ CORPUS_DIR: corpus });

  it('cites the page of each paragraph', async () => {
    const [guide] = await loadCorpus(corpus);
    const chunks = chunkGuide(guide!);
    const gallery = chunks.find((chunk) => chunk.text.startsWith('Madame visits Hailsham'))!;
    expect(gallery.page).toBe(3);
    expect(citation(gallery)).toBe('Never Let Me Go: A Study Guide › Part One: Hailsham › The Gallery ¶1, p. 3');
    expect(withoutParagraph(citation(gallery))).toBe('Never Let Me Go: A Study Guide › Part One: Hailsham › The Gallery');
    expect(citation({ guide: 'G', path: ['A'], paragraph: 2 })).toBe('G › A ¶2');
  });

  it('keeps pages in the index and shows them in answers', async () => {
    const engine = await openTestEngine(config);
    const manifest = JSON.parse(fs.readFileSync(path.join(config.INDEX_DIR, INDEX_FILES.manifest), 'utf8')) as { chunkCount: number };
    const stored = decodeChunks(fs.readFileSync(path.join(config.INDEX_DIR, INDEX_FILES.chunks)), manifest.chunkCount);
    expect(stored.find((chunk) => chunk.text.startsWith('At the Cottages'))?.page).toBe(4);

    const answer = await engine.ask('What does Madame choose for her gallery?');
    expect(answer.answered).toBe(true);
    expect(answer.passages[0]!.citation).toBe('Never Let Me Go: A Study Guide › Part One: Hailsham › The Gallery ¶1, p. 3');
    expect(answer.quotes[0]!.citation).toMatch(/, p\. 3$/);

    // Loaded from the stored index rather than rebuilt, the pages are still there.
    const reopened = await openTestEngine(config, { rebuild: 'never' });
    const again = await reopened.ask('What does Madame choose for her gallery?');
    expect(again.passages[0]!.citation).toBe(answer.passages[0]!.citation);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestGuide } from '../../../src/guide/ingest/index.js';

const PAGE = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'web', 'never-let-me-go-summary.html');

describe('saved web pages', async () => {
  const result = await ingestGuide({ fileName: 'never-let-me-go-summary.html', bytes: fs.readFileSync(PAGE) });
  const text = result.guide.sections.flatMap((section) => [...section.path, ...section.paragraphs]).join('\n');

  it('takes the title and author from the page and keeps the heading outline', () => {
    expect(result.format).toBe('html');
    expect(result.guide.title).toBe('Never Let Me Go Summary');
    expect(result.guide.author).toBe('Emma Baldwin');
    expect(result.guide.sections.map((section) => section.path.join(' › '))).toEqual(['', 'Spoiler-free Summary', 'Full Summary', 'Full Summary › Life at Hailsham', 'Full Summary › The Cottages']);
  });

  it('keeps paragraphs and list items, with entities decoded and inline markup flattened', () => {
    expect(result.guide.sections[0]!.paragraphs).toHaveLength(2);
    expect(result.guide.sections[0]!.paragraphs[0]).toMatch(/^This is a moving novel published in 2005\./);
    expect(result.guide.sections[1]!.paragraphs[1]).toContain('the school, Hailsham, where they grew up');
    expect(result.guide.sections[3]!.paragraphs.slice(1)).toEqual([
      'Kathy buys a cassette tape that contains a song titled ‘Never Let Me Go.’',
      'Madame watches her dance to it and is crying at the sight.',
    ]);
  });

  it('drops navigation, ads, share buttons, the byline, related links, comments, the sidebar and the footer', () => {
    for (const debris of [
      'Study Guides',
      'Log In',
      'Home',
      'Save 40%',
      'Advertisement',
      'Share on',
      'Article written by',
      'You may also like',
      'Klara',
      'Notify of',
      'Guest',
      'made me cry',
      'Reply',
      'Newsletter',
      'Subscribe',
      'All rights reserved',
      'Privacy Policy',
      'dataLayer',
    ]) {
      expect(text).not.toContain(debris);
    }
  });

  it('refuses a page with no article text', async () => {
    await expect(
      ingestGuide({ fileName: 'blank.html', bytes: new TextEncoder().encode('<html><head><title>Nothing</title></head><body><nav><a href="/">Home</a></nav></body></html>') }),
    ).rejects.toMatchObject({
      code: 'empty',
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { loadCorpus } from '../../src/guide/load.js';
import { splitSentences } from '../../src/guide/sentences.js';

/** Word swaps that keep a variant readable while making its text (and so its vectors) differ. */
const ALTERNATES: Record<string, string[]> = {
  novel: ['book', 'story', 'narrative'],
  students: ['pupils', 'children', 'young people'],
  clones: ['donors', 'replicas', 'copies'],
  explores: ['examines', 'considers', 'probes'],
  reveals: ['shows', 'exposes', 'uncovers'],
  represents: ['stands for', 'embodies', 'signals'],
  their: ['their own', 'their', 'their'],
  memory: ['remembrance', 'recollection', 'memory'],
  love: ['devotion', 'affection', 'love'],
  fate: ['destiny', 'future', 'lot'],
  Kathy: ['Kathy', 'Kath', 'Kathy H.'],
  Hailsham: ['Hailsham', 'the school', 'Hailsham House'],
};

function vary(text: string, variant: number): string {
  let position = 0;
  return text.replace(/\b[A-Za-z]+\b/g, (word) => {
    const options = ALTERNATES[word];
    position++;
    return options ? options[(variant + position) % options.length]! : word;
  });
}

/**
 * Writes the corpus plus `copies - 1` synthetic variants of every guide: sentences rotated within
 * each paragraph and words swapped, so the scaled corpus has `copies` times the chunks, all distinct.
 */
export async function writeScaledCorpus(corpusDir: string, targetDir: string, copies: number): Promise<void> {
  fs.mkdirSync(targetDir, { recursive: true });
  const guides = await loadCorpus(corpusDir);
  for (const name of fs.readdirSync(corpusDir)) fs.copyFileSync(path.join(corpusDir, name), path.join(targetDir, name));
  for (let variant = 1; variant < copies; variant++) {
    for (const guide of guides) {
      const lines = ['---', `title: "${guide.title} (variant ${variant})"`, '---', ''];
      for (const section of guide.sections) {
        lines.push(`${'#'.repeat(Math.max(1, section.path.length))} ${section.path[section.path.length - 1] ?? 'Introduction'}`, '');
        for (const paragraph of section.paragraphs) {
          const sentences = splitSentences(paragraph);
          const shift = variant % Math.max(1, sentences.length);
          lines.push(vary([...sentences.slice(shift), ...sentences.slice(0, shift)].join(' '), variant), '');
        }
      }
      fs.writeFileSync(path.join(targetDir, `v${String(variant).padStart(3, '0')}-${guide.source.replace(/\.[^.]+$/, '')}.md`), lines.join('\n'));
    }
  }
}

import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import { ingestGuide } from '../../../src/guide/ingest/index.js';

const PROSE = 'Kathy looks back on her years at Hailsham, where the guardians taught art, poetry and sport to the students.';

async function wordFile(options: { title?: string; children: Paragraph[] }): Promise<Uint8Array> {
  const document = new Document({ ...(options.title ? { title: options.title } : {}), creator: 'A Teacher', sections: [{ children: options.children }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

describe('Word documents', () => {
  it('reads headings from the Heading 1…6 styles and takes the title from the core properties', async () => {
    const bytes = await wordFile({
      title: 'Never Let Me Go: Class Notes',
      children: [
        new Paragraph({ text: 'Notes from the first week, written for the whole class to read before the discussion.' }),
        new Paragraph({ text: 'Part One', heading: HeadingLevel.HEADING_1 }),
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- docx's run option, mistaken for String.prototype.bold
        new Paragraph({ children: [new TextRun('Kathy is the '), new TextRun({ text: 'narrator', bold: true }), new TextRun(' of the novel, now a carer of thirty-one who remembers everything.')] }),
        new Paragraph({ text: 'Hailsham', heading: HeadingLevel.HEADING_2 }),
        new Paragraph({ text: PROSE }),
        new Paragraph({ text: 'The Gallery', heading: HeadingLevel.HEADING_4 }),
        new Paragraph({ text: 'Madame takes the best work away to her gallery, and nobody knows what it is for.' }),
        new Paragraph({ text: 'Part Two', heading: HeadingLevel.HEADING_1 }),
        new Paragraph({ text: 'At the Cottages the older students read novels and argue about the possibles they find.' }),
      ],
    });
    const result = await ingestGuide({ fileName: 'class-notes.docx', bytes });
    expect(result.format).toBe('docx');
    expect(result.guide.title).toBe('Never Let Me Go: Class Notes');
    expect(result.guide.sections.map((section) => section.path)).toEqual([[], ['Part One'], ['Part One', 'Hailsham'], ['Part One', 'Hailsham', 'The Gallery'], ['Part Two']]);
    expect(result.guide.sections[1]!.paragraphs).toEqual(['Kathy is the narrator of the novel, now a carer of thirty-one who remembers everything.']);
    expect(result.guide.sections[2]!.paragraphs).toEqual([PROSE]);
    expect(result.warnings).toEqual([]);
  });

  it('uses a Title-style paragraph, then the file name, when the properties have no title', async () => {
    const styled = await wordFile({ children: [new Paragraph({ text: 'Unit Three Reading', heading: HeadingLevel.TITLE }), new Paragraph({ text: PROSE })] });
    const withStyle = await ingestGuide({ fileName: 'unit-3.docx', bytes: styled });
    expect(withStyle.guide.title).toBe('Unit Three Reading');
    expect(withStyle.guide.sections).toEqual([{ path: [], paragraphs: [PROSE] }]);
    expect(withStyle.warnings).toContain("no headings found — every paragraph will be cited under the guide's title");
    const plain = await ingestGuide({ fileName: 'unit-3_notes.docx', bytes: await wordFile({ children: [new Paragraph({ text: PROSE })] }) });
    expect(plain.guide.title).toBe('Unit 3 notes');
  });

  it('refuses a damaged file and a password-protected one', async () => {
    const good = await wordFile({ children: [new Paragraph({ text: PROSE })] });
    await expect(ingestGuide({ fileName: 'cut.docx', bytes: good.slice(0, Math.floor(good.length / 2)) })).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/^cut\.docx is not a readable Word document/) as unknown,
    });
    // Word saves a password-protected document in the OLE compound format; its first eight bytes say so.
    const encrypted = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]);
    await expect(ingestGuide({ fileName: 'locked.docx', bytes: encrypted })).rejects.toMatchObject({ code: 'encrypted', message: expect.stringMatching(/password-protected/) as unknown });
  });
});

import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/store/errors.js';
import { csvCell, EXPORT_COLUMNS, exportLogCsv, toCsv } from '../../src/store/export.js';
import { vote } from '../../src/store/feedback.js';
import { logQuestion } from '../../src/store/question-log.js';
import { CHANNEL, DAY, GUILD, describeEachBackend, memoryDb, NOW, OTHER_GUILD, USER, USER_2 } from './helpers.js';

/** A strict RFC 4180 reader, to check that what we write reads back to the same cells. */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < input.length) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        cell += ch;
        i += 1;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (ch === '\r' && input[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length > 0) throw new Error('missing final CRLF');
  return rows;
}

describeEachBackend('csvCell', () => {
  it.each<[string | number | boolean | null, string]>([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['crlf\r\nline', '"crlf\r\nline"'],
    ['=1+1', "'=1+1"],
    ['+44 123', "'+44 123"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
    ['\rcr', `"'\rcr"`],
    ['=HYPERLINK("http://x","click"), ok', `"'=HYPERLINK(""http://x"",""click""), ok"`],
    ['a=b', 'a=b'],
    [-0.25, '-0.25'],
    [42, '42'],
    [true, 'true'],
    [null, ''],
    ['', ''],
  ])('%j -> %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('toCsv joins with CRLF and ends with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['1', 'x,y'],
      ]),
    ).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describeEachBackend('exportLogCsv', () => {
  it('exports the guild log in the window: header, ISO times, quoting, injection protection', async () => {
    const db = await memoryDb();
    const tricky = await logQuestion(db, {
      guildId: GUILD,
      channelId: CHANNEL,
      userId: USER,
      userName: '=cmd|"/c calc"!A1',
      question: 'Is Ruth "mean", or\njust scared?',
      answered: true,
      confidence: 0.5,
      passages: [
        { id: '1', citation: 'SparkNotes, Chapter 3', score: 0.9 },
        { id: '2', citation: '@LitCharts', score: 0.8 },
      ],
      latencyMs: 250,
      reviewOutcome: 'approved',
      createdAt: NOW - DAY,
    });
    await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER_2, userName: 'Tommy', question: '+why tantrums', answered: false, latencyMs: 90, createdAt: NOW - 2 * DAY });
    await logQuestion(db, { guildId: GUILD, channelId: CHANNEL, userId: USER, question: 'too old', answered: false, latencyMs: 1, createdAt: NOW - 40 * DAY });
    await logQuestion(db, { guildId: OTHER_GUILD, channelId: CHANNEL, userId: USER, question: 'other guild', answered: false, latencyMs: 1, createdAt: NOW });
    await vote(db, tricky, USER, true);
    await vote(db, tricky, USER_2, false);

    const csv = await exportLogCsv(db, GUILD, { days: 30, now: NOW });
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['2', new Date(NOW - 2 * DAY).toISOString(), CHANNEL, USER_2, 'Tommy', "'+why tantrums", 'false', '', '', '90', '', '0', '0'],
      [
        String(tricky),
        new Date(NOW - DAY).toISOString(),
        CHANNEL,
        USER,
        '\'=cmd|"/c calc"!A1',
        'Is Ruth "mean", or\njust scared?',
        'true',
        '0.5',
        'SparkNotes, Chapter 3; @LitCharts',
        '250',
        'approved',
        '1',
        '1',
      ],
    ]);
    expect(rows[1]![1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // No cell in the file starts with a formula character.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('an empty window gives just the header', async () => {
    expect(await exportLogCsv(await memoryDb(), GUILD, { days: 7, now: NOW })).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
  });

  it.each([0, 3651, 2.5])('rejects days = %s', async (days) => {
    await expect(exportLogCsv(await memoryDb(), GUILD, { days })).rejects.toThrow(InvalidInputError);
  });
});

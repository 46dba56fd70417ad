import { IngestError } from './types.js';

/** Text files as teachers save them: UTF-8 (with or without a byte-order mark), or Windows-1252 from older editors. */
export function decodeText(bytes: Uint8Array, fileName: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  if (text.includes('\u0000')) throw new IngestError('corrupt', `${fileName} is not a text file (it holds binary data): save it as plain text, or send the original document.`);
  return text.replace(/^\uFEFF/, '');
}

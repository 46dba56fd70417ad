import type { ReadableStreamReadResult } from 'node:stream/web';
import { IngestError } from '../../guide/ingest/types.js';
import { DOWNLOAD_TIMEOUT_MS, MAX_GUIDE_FILE_BYTES } from '../../library/limits.js';

const tooLarge = (bytes: number) =>
  new IngestError('too-large', `That file is ${(bytes / 1048576).toFixed(1)} MB; the largest guide Guidebot takes is ${MAX_GUIDE_FILE_BYTES / 1048576} MB. Split it into parts and add each one.`);

/** Refuses an attachment over the size limit from its announced size, before anything is downloaded. */
export function checkAttachmentSize(size: number): void {
  if (size > MAX_GUIDE_FILE_BYTES) throw tooLarge(size);
}

/** Downloads an attachment from Discord's CDN, stopping as soon as it passes the size limit (whatever it announced). */
export async function downloadAttachment(url: string, fetchImpl: typeof fetch = fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch {
    throw new IngestError('corrupt', 'I could not download that file from Discord. Please upload it again.');
  }
  if (!response.ok || !response.body) throw new IngestError('corrupt', `I could not download that file from Discord (it answered ${response.status}). Please upload it again.`);
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  for (;;) {
    const chunk: ReadableStreamReadResult<Uint8Array> = await reader.read();
    if (chunk.done) break;
    const value = chunk.value;
    total += value.byteLength;
    if (total > MAX_GUIDE_FILE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(total);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

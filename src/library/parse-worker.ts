/**
 * A parser thread: reads uploaded files into guides (ingestGuide) and their previews, one message at
 * a time, so a large PDF never holds up the Discord thread. Errors go back serialised; an IngestError
 * keeps its code and message.
 */
import { parentPort } from 'node:worker_threads';
import { ingestGuide, previewOf } from '../guide/ingest/index.js';
import { serialiseParseError, type FromParseWorker, type ToParseWorker } from './parse-protocol.js';

if (!parentPort) throw new Error('the parser worker runs only as a worker thread');
const port = parentPort;
const post = (message: FromParseWorker) => port.postMessage(message);

port.on('message', (message: ToParseWorker) => {
  ingestGuide(message.input).then(
    (result) => post({ type: 'result', id: message.id, result, preview: previewOf(result) }),
    (error: unknown) => post({ type: 'error', id: message.id, error: serialiseParseError(error) }),
  );
});
post({ type: 'ready' });

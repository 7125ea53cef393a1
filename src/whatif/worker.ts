/**
 * The worker thread's side of the pool: it receives jobs one at a time, runs each, and posts
 * back progress now and then, then the result (or the error, as plain data).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { type RunJob, runJob, type ScenarioCache } from './job.js';
import { type FromWorker, serializeError } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('whatif/worker.js runs as a worker thread');
const cache: ScenarioCache = new Map();

port.on('message', (job: RunJob) => {
  let last = 0;
  const post = (m: FromWorker): void => port.postMessage(m);
  try {
    const result = runJob(job, cache, (fraction) => {
      // A few messages per run are enough for a progress bar.
      if (fraction - last < 0.05 && fraction < 1) return;
      last = fraction;
      post({ kind: 'progress', index: job.index, fraction });
    });
    post({ kind: 'result', result });
  } catch (e) {
    post({ kind: 'error', index: job.index, error: serializeError(e) });
  }
});

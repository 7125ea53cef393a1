/**
 * The thread a run goes in (see `run-in-thread.ts`): it loads the scenario, runs it with
 * `executeRun`, posts progress a few hundred times in all, then the outcome or the error as
 * plain data.
 *
 * @module
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { setEngineVersion } from '../run/index.js';
import { loadScenario } from '../scenario/index.js';
import { serializeError } from '../whatif/index.js';
import { executeRun } from './run-execution.js';
import type { FromRunThread, RunThreadData } from './run-in-thread.js';

const port = parentPort;
if (port === null) throw new Error('cli/run-thread.js runs as a worker thread');
const data = workerData as RunThreadData;
const post = (m: FromRunThread): void => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: unknown) => {
  if (m === 'stop') stop.abort();
});

setEngineVersion(data.engineVersion);
try {
  const loaded = loadScenario(data.spec.file);
  let built = -1;
  let done = -1;
  const outcome = await executeRun(
    loaded,
    data.spec,
    {
      building(made, total) {
        if (made < total && made - built < total / 500) return;
        built = made;
        post({ kind: 'building', made, total });
      },
      progress(fraction) {
        if (fraction < 1 && fraction - done < 0.001) return;
        done = fraction;
        post({ kind: 'progress', fraction });
      },
    },
    stop.signal,
    // V8's limit for this thread counts the young generation beside the old one it was given.
    Math.max(0, getHeapStatistics().heap_size_limit - data.oldMb * 2 ** 20),
  );
  post({ kind: 'outcome', outcome });
} catch (e) {
  post({ kind: 'error', error: serializeError(e) });
}
port.unref();

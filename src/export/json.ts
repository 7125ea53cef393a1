/**
 * A trace as one JSON document: the run's context (title, scenario hash, seed, variant,
 * start, engine version) and the entities, then every record as the trace holds it, each
 * with its index and wall-clock time. Written record by record, so a long trace never has to
 * fit in memory as one string.
 *
 * ```json
 * { "context": { "scenarioHash": "…", "seed": "2009", "variant": "base", … },
 *   "entities": { "isps": [ … ], … },
 *   "events": [ { "index": 0, "time": "2009-08-24T00:00:00.000000Z", "kind": "caption", "t": 0, … } ] }
 * ```
 *
 * @module
 */
import type { Trace } from '../trace/index.js';
import { openAtomic } from './atomic-file.js';
import { isoAt, runContext } from './context.js';
import { type ExportOptions, forEachRecord, type RecordFilter } from './records.js';

/** Version of the JSON export's shape. */
export const JSON_EXPORT_VERSION = 1;

/** Writes the records of `trace` to `path` as JSON; resolves to how many records were written. */
export async function exportJson(trace: Trace, path: string, filter: RecordFilter = {}, options: ExportOptions = {}): Promise<number> {
  const context = runContext(trace.header);
  const file = openAtomic(path);
  let n = 0;
  try {
    const { startMicros: _internal, ...shown } = context;
    file.write(`{"version":${JSON_EXPORT_VERSION},\n"context":${JSON.stringify(shown)},\n"entities":${JSON.stringify(trace.header.entities)},\n"events":[`);
    await forEachRecord(
      trace,
      filter,
      (e, i) => {
        file.write(`${n === 0 ? '\n' : ',\n'}${JSON.stringify({ index: i, time: isoAt(context, e.t), ...e })}`);
        n++;
      },
      options,
    );
    file.write('\n]}\n');
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
  return n;
}

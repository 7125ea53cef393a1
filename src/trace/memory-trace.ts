/**
 * A trace held in memory: the same reader interface as a file, for a run that has just
 * happened, for tests, and for tools that build records themselves.
 *
 * @module
 */
import type { AggregateState } from './aggregate.js';
import { cloneState } from './aggregate.js';
import type { TraceEvent } from './event.js';
import type { TraceHeader } from './header.js';
import { Trace, type BlockStore } from './trace.js';
import { TraceIndexBuilder } from './trace-index.js';
import { DEFAULT_BLOCK_SIZE, DEFAULT_KEYFRAME_EVERY, type TraceLayout } from './writer.js';

/**
 * A readable trace over `events`, indexed exactly as a file written with the same layout
 * would be.
 *
 * @throws TypeError when the records go back in time.
 */
export function memoryTrace(header: TraceHeader, events: readonly TraceEvent[], layout: TraceLayout = {}, name = 'memory'): Trace {
  const blockSize = layout.blockSize ?? DEFAULT_BLOCK_SIZE;
  const keyframeEvery = layout.keyframeEvery ?? DEFAULT_KEYFRAME_EVERY;
  const builder = new TraceIndexBuilder(blockSize, keyframeEvery);
  const blocks: (readonly TraceEvent[])[] = [];
  const keyframes = new Map<number, AggregateState>();
  let last = 0;
  for (let i = 0; i < events.length; i += blockSize) {
    const block = events.slice(i, i + blockSize);
    for (const e of block) {
      if (!(e.t >= last)) throw new TypeError(`trace: ${e.kind} record at t=${e.t} goes back in time (previous ${last})`);
      last = e.t;
    }
    if (builder.keyframeDue()) keyframes.set(blocks.length, builder.addKeyframe(-1));
    builder.addBlock(block, -1);
    blocks.push(block);
  }
  const store: BlockStore = {
    readBlock: (b) => blocks[b] ?? [],
    readKeyframe: (b) => cloneState(keyframes.get(b) as AggregateState),
    close: () => undefined,
  };
  return new Trace(header, builder.finish(), store, name);
}

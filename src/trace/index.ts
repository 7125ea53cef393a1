/**
 * Traces: the records a run emits, the file that keeps them, and reading them back with
 * seeking by time. Plain data: this folder imports only the engine's time helpers.
 *
 * A run writes with `TraceWriter` (or builds a `memoryTrace`); a replay reads with
 * `openTrace`. See `README.md` in this folder for the file format and why it is what it is.
 *
 * @module
 */
export {
  aggregate,
  type AggregateState,
  applyEvent,
  type ClassTally,
  cloneState,
  emptyClassTally,
  emptyState,
  foldEvents,
  type GroupTally,
  type ListTally,
  type RuleTally,
  type ServerTally,
} from './aggregate.js';
export {
  type CaptionEvent,
  type ChangeEvent,
  type ConnectEvent,
  type ConnectOutcome,
  EVENT_KINDS,
  type EventKind,
  type EventOf,
  type ExpectationEvent,
  FINAL_STAGES,
  type ListingEvent,
  type MessageEvent,
  type MessageStage,
  type PacketEvent,
  type PacketOrigin,
  type Protocol,
  type QuestionEvent,
  type QueueEvent,
  type RuleEvent,
  type ServerEvent,
  type SmtpEvent,
  type TcpFlags,
  type TraceEvent,
  type UserAction,
  type UserEvent,
  type Verdict,
  type VerdictAction,
  type VpnEvent,
} from './event.js';
export { toMicros } from './block-codec.js';
export { FORMAT_VERSION } from './frame.js';
export { type GroupInfo, type IspInfo, type ServerInfo, type TraceEntities, type TraceHeader } from './header.js';
export { type Marker, type MarkerKind } from './markers.js';
export { memoryTrace } from './memory-trace.js';
export { openTrace, type OpenTraceOptions } from './reader.js';
export { type Series, SERIES_NAMES, type SeriesName } from './series.js';
export { type Located, type SearchHint, Trace } from './trace.js';
export { TraceError } from './trace-error.js';
export { type BlockMeta, kindBit, kindMask, type KeyframeRef, type TraceIndex } from './trace-index.js';
export {
  DEFAULT_BLOCK_SIZE,
  DEFAULT_KEYFRAME_EVERY,
  partialPath,
  type TraceLayout,
  TraceWriter,
  type TraceWriterOptions,
  type TraceWritten,
} from './writer.js';

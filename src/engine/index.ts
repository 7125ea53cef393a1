/**
 * The simulation kernel: clock, event set, processes, random streams and time units.
 * It imports nothing else from portsim.
 *
 * @module
 */
export { Deque } from './deque.js';
export { DiurnalProfile, WeightedChoice } from './distributions.js';
export { EventQueue } from './event-queue.js';
export {
  Alarm,
  type Command,
  Interrupt,
  Mailbox,
  Process,
  type ProcessBody,
  Resource,
  Signal,
  sleepUntil,
  TIMED_OUT,
  timeout,
  type Waitable,
  within,
} from './process.js';
export { RandomSource } from './random-source.js';
export { deriveStream, RandomStreams, Xoshiro128 } from './random.js';
export {
  type EventId,
  type EventObserver,
  type Handler,
  type ProcessOptions,
  type RunOptions,
  type RunOutcome,
  Simulation,
  type SimulationOptions,
} from './simulation.js';
export { mix64, type Seed, seedHalves, SplitMix64 } from './splitmix64.js';
export { DurationError, formatClock, formatDuration, parseDuration, type Seconds } from './time.js';

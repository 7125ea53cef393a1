/**
 * The reference workloads A (hold model) and B (clients, sessions and a server of capacity K)
 * of shared/bench/WORKLOADS.md, run on the portsim kernel with either of its two APIs. Both
 * use that document's splitmix64 stream and tie rule, so their checksums must equal the
 * reference programs'.
 *
 * @module
 */
import { hrtime } from 'node:process';
import { Resource, Simulation, SplitMix64, timeout } from '../src/engine/index.js';

/** Which kernel API a workload is written against. */
export type Api = 'callback' | 'process';

/** What workload A reports. */
export interface HoldResult {
  events: number;
  wallSeconds: number;
  finalT: number;
  sumId: number;
}

/** What workload B reports. */
export interface SessionsResult {
  events: number;
  wallSeconds: number;
  sessions: number;
  think: number;
  grant: number;
  leg: number;
  waited: number;
  queue: number;
  busy: number;
}

/** Parameters of workload B beyond C and T; the defaults are the document's. */
export interface SessionsParams {
  capacity: number;
  steps: number;
  legs: number;
  latency: number;
  thinkMean: number;
}

export const DEFAULT_SESSIONS: SessionsParams = { capacity: 100, steps: 10, legs: 2, latency: 0.05, thinkMean: 60 };

function seconds(): number {
  return Number(hrtime.bigint()) / 1e9;
}

/** Workload A: N pending events, E executed; each event reschedules its id at now + Exp(1). */
export function runHold(n: number, e: number, api: Api, seed: number | bigint = 42): HoldResult {
  const rng = new SplitMix64(seed);
  const sim = new Simulation({ capacity: n + 1 });
  // Both APIs keep these in a typed array: module or closure `let` doubles would box on write.
  const acc = new Float64Array(2); // [sumId, finalT]
  if (api === 'callback') {
    const onEvent = (id: number): void => {
      const t = sim.now;
      acc[0] = (acc[0] as number) + id;
      acc[1] = t;
      sim.at(t + rng.exponential(1), onEvent, id);
    };
    for (let i = 0; i < n; i++) sim.at(rng.exponential(1), onEvent, i);
  } else {
    const body = function* (id: number): Generator<number, void, unknown> {
      for (;;) {
        acc[0] = (acc[0] as number) + id;
        acc[1] = sim.now;
        yield timeout(rng.exponential(1));
      }
    };
    for (let i = 0; i < n; i++) sim.process(body(i), { delay: rng.exponential(1) });
  }
  const t0 = seconds();
  sim.run({ maxEvents: e });
  const wall = seconds() - t0;
  return { events: sim.eventsExecuted, wallSeconds: wall, finalT: acc[1] as number, sumId: acc[0] as number };
}

/**
 * Workload B: C clients think for Exp(60) s, then hold one of K slots for `steps * legs` hops
 * of `latency` s each; run while the next event is at or before T.
 */
export function runSessions(
  c: number,
  tEnd: number,
  api: Api,
  params: SessionsParams = DEFAULT_SESSIONS,
  seed: number | bigint = 42,
): SessionsResult {
  const { capacity, steps, legs, latency, thinkMean } = params;
  const hops = steps * legs;
  const rng = new SplitMix64(seed);
  const sim = new Simulation({ capacity: c + 1 });
  const n = new Float64Array(5); // think, grant, leg, sessions, waited
  let queue = 0;
  let busy = 0;
  if (api === 'callback') {
    const hop = new Uint32Array(c);
    const waiting = new Uint32Array(c);
    let qHead = 0;
    let qLen = 0;
    const grant = (i: number): void => {
      n[1] = (n[1] as number) + 1;
      hop[i] = 0;
      sim.after(latency, leg, i);
    };
    const leg = (i: number): void => {
      n[2] = (n[2] as number) + 1;
      const h = (hop[i] as number) + 1;
      hop[i] = h;
      if (h < hops) {
        sim.after(latency, leg, i);
        return;
      }
      n[3] = (n[3] as number) + 1;
      if (qLen > 0) {
        const j = waiting[qHead] as number;
        qHead = qHead + 1 === c ? 0 : qHead + 1;
        qLen--;
        n[4] = (n[4] as number) + 1;
        sim.after(0, grant, j);
      } else busy--;
      sim.after(rng.exponential(thinkMean), think, i);
    };
    const think = (i: number): void => {
      n[0] = (n[0] as number) + 1;
      if (busy < capacity) {
        busy++;
        sim.after(0, grant, i);
      } else {
        let tail = qHead + qLen;
        if (tail >= c) tail -= c;
        waiting[tail] = i;
        qLen++;
      }
    };
    for (let i = 0; i < c; i++) sim.at(rng.exponential(thinkMean), think, i);
    const t0 = seconds();
    sim.run({ until: tEnd });
    const wall = seconds() - t0;
    queue = qLen;
    return finish(wall);
  }
  const server = new Resource(capacity);
  const client = function* (): Generator<unknown, void, unknown> {
    for (;;) {
      n[0] = (n[0] as number) + 1; // resumed at the end of a think: THINK_END
      yield server.acquire();
      n[1] = (n[1] as number) + 1; // resumed holding a slot: GRANT
      for (let h = 0; h < hops; h++) {
        yield timeout(latency);
        n[2] = (n[2] as number) + 1; // LEG
      }
      n[3] = (n[3] as number) + 1;
      server.release();
      yield timeout(rng.exponential(thinkMean));
    }
  };
  for (let i = 0; i < c; i++) sim.process(client() as Generator<number, void, unknown>, { delay: rng.exponential(thinkMean) });
  const t0 = seconds();
  sim.run({ until: tEnd });
  const wall = seconds() - t0;
  n[4] = server.grantsAfterWaiting;
  queue = server.queued;
  busy = server.inUse;
  return finish(wall);

  function finish(wall: number): SessionsResult {
    return {
      events: sim.eventsExecuted,
      wallSeconds: wall,
      think: n[0] as number,
      grant: n[1] as number,
      leg: n[2] as number,
      sessions: n[3] as number,
      waited: n[4] as number,
      queue,
      busy,
    };
  }
}

/**
 * The core between ISPs: one FIFO pipe per ordered pair of ISPs, with a latency per path,
 * fixed or drawn per packet.
 *
 * @module
 */
import type { Isp } from './isp.js';
import { type Latency, Pipe, toLatency } from './latency.js';

/** Path delays between ISPs. */
export class Core {
  private readonly pipes = new Map<number, Pipe>();
  private readonly latencies = new Map<number, Latency>();
  /** Delay for pairs of different ISPs without a path of their own (default 20 ms). */
  defaultLatency: Latency = toLatency(0.02);
  /** Delay inside one ISP, between its lines and servers (default 1 ms). */
  internalLatency: Latency = toLatency(0.001);

  /** Sets the delay of the path between `a` and `b` (both directions unless `oneWay`). */
  setPath(a: Isp, b: Isp, latency: Latency | number, oneWay = false): void {
    const l = toLatency(latency);
    this.latencies.set(key(a, b), l);
    this.pipes.delete(key(a, b));
    if (!oneWay) {
      this.latencies.set(key(b, a), l);
      this.pipes.delete(key(b, a));
    }
  }

  /** The latency model of the path from `a` to `b`. */
  latency(a: Isp, b: Isp): Latency {
    return this.latencies.get(key(a, b)) ?? (a === b ? this.internalLatency : this.defaultLatency);
  }

  /** The pipe from `a` to `b`, created on first use. */
  pipe(a: Isp, b: Isp): Pipe {
    const k = key(a, b);
    let p = this.pipes.get(k);
    if (p === undefined) {
      p = new Pipe(this.latency(a, b));
      this.pipes.set(k, p);
    }
    return p;
  }
}

function key(a: Isp, b: Isp): number {
  return a.index * 0x100000 + b.index;
}

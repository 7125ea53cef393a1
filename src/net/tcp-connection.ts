/**
 * A TCP connection at segment granularity: the three-way handshake, data segments that carry
 * one application message each, cumulative ACKs, go-back-N retransmission, FIN and RST, with
 * real 32-bit sequence numbers.
 *
 * Received data is acknowledged as real stacks do (RFC 1122 §4.2.3.2): the ACK waits up to
 * the OS's delayed-ACK time to ride on the reply, goes at once when more than a full-sized
 * segment is unacknowledged (a long message is many segments on a real wire), and, on Linux,
 * goes at once until the connection has shown itself interactive (quick-ACK mode). So a
 * request-response dialogue such as SMTP carries its ACKs on its replies, as in a capture of
 * a real session.
 *
 * Not modelled: windows and congestion control (segments go out at once), Nagle, TIME_WAIT,
 * options. Reordering cannot happen on the network's FIFO pipes, so an out-of-order segment
 * (after a loss) is answered with a duplicate ACK and dropped; the sender's timer resends
 * everything unacknowledged.
 *
 * Applications see four things: `report` (how the connect attempt ended), `onMessage` (each
 * arriving message, in order, once), `onEnd` (exactly once, for every connection, whatever
 * ended it) and `send`/`close`/`abort`. Process code can `yield conn.connected` and
 * `yield conn.inbox` instead of setting callbacks.
 *
 * @module
 */
import { Mailbox, Signal } from '../engine/index.js';
import { type Address, formatAddress } from './address.js';
import type { PlannedDrops } from './border.js';
import { type ConnectOutcome, type ConnectReport, type EndReason, outcomeOfErrno, type TcpEnd } from './connect-report.js';
import type { ErrnoKind } from './errno.js';
import { type Packet, TcpFlag, tcpSegment } from './packet.js';
import type { Payload } from './payload.js';
import type { TcpStack } from './tcp-stack.js';

/** Connection states, after RFC 9293 §3.3.2, folded where the model needs no difference. */
export type TcpState = 'syn-sent' | 'syn-received' | 'established' | 'closing' | 'closed';

/** Callbacks an application sets on a connection. */
export interface TcpHandlers {
  /** The connect attempt has an outcome (clients only). */
  onConnect?: (report: ConnectReport, conn: TcpConnection) => void;
  /** A message arrived, in order. */
  onMessage?: (payload: Payload, conn: TcpConnection) => void;
  /** The connection is over; called exactly once. */
  onEnd?: (end: TcpEnd, conn: TcpConnection) => void;
}

// An RST is accepted only if its sequence number is exactly RCV.NXT; one elsewhere in the
// window draws a challenge ACK (RFC 5961 §3, REFERENCE.md §1a). No window scaling here.
const RECEIVE_WINDOW = 65535;

/** Full-sized segment: more unacknowledged data than this is acknowledged at once (RFC 1122 §4.2.3.2). */
const MSS = 1460;

const TIMER_NONE = 0;
const TIMER_SYN = 1;
const TIMER_RST_RETRY = 2;
const TIMER_RTO = 3;
const TIMER_HALF_OPEN = 4;

/** When a timer set at `now` for `at` runs: `now` plus the delay, as the kernel adds it. */
function dueAfter(now: number, at: number): number {
  return now + Math.max(0, at - now);
}

function seqLess(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** One end of a TCP connection. Clients get one from `TcpStack.connect`, servers from a listener. */
export class TcpConnection {
  /** Set these to hear about the connection (see `TcpHandlers`). */
  onConnect: TcpHandlers['onConnect'];
  onMessage: TcpHandlers['onMessage'];
  onEnd: TcpHandlers['onEnd'];

  /** Current state. */
  state: TcpState;
  /** How the connect attempt ended; null while pending, and on the server side. */
  report: ConnectReport | null = null;
  /** How the connection ended; null while it lasts. */
  end: TcpEnd | null = null;
  /** When the first SYN went (client) or arrived (server). */
  readonly startedAt: number;
  /** Messages delivered to the application so far. */
  messagesReceived = 0;

  private readonly iss: number;
  private sndUna: number;
  private sndNxt: number;
  private rcvNxt = 0;
  private ackedUpTo = -1;
  private unacked: Packet[] = [];
  private synsSent = 0;
  private synIndex = 0;
  private rstRetries = 0;
  private lastSynAt = 0;
  private softError: ErrnoKind | null = null;
  private rto = 1;
  private dataRetries = 0;
  private finSeq = -1;
  private finAcked = false;
  private peerFin = false;
  // The retransmission (or SYN, or half-open) timer is lazy: re-arming it for a later time
  // leaves its kernel event where it is, and the event, when it runs early, goes back to
  // sleep until the timer is due. An exchange of request and reply arms and disarms it once
  // each; this way neither costs a schedule and a cancellation.
  /** The kernel event standing for the timer, or -1. */
  private timerId = -1;
  /** When that event runs: never after `timerDue` while the timer is armed. */
  private timerAt = 0;
  /** When the armed timer is due. */
  private timerDue = 0;
  private timerKind = TIMER_NONE;
  /** The delayed-ACK timer, or -1. */
  private delackId = -1;
  private delackFire: (() => void) | null = null;
  /** Bytes received in order and not acknowledged yet. */
  private bytesUnacked = 0;
  /** When data last arrived in order (or the connection was established). */
  private lastRecvAt = 0;
  /** Linux's pingpong mode: this end answers data promptly, so its ACKs may wait for replies. */
  private interactive = false;
  private appTimerId = -1;
  /** When the application's own connect timeout runs out (Infinity without one). */
  private appDue = Infinity;
  /** The SYNs still to come that the border took as planned (see `planRepeats`), or null. */
  private planned: PlannedDrops | null = null;
  private readonly fire: () => void;
  private signal: Signal<ConnectReport> | null = null;
  private mailbox: Mailbox<Payload | TcpEnd> | null = null;

  /** Use `TcpStack.connect` or a listener; not for direct use. */
  constructor(
    readonly stack: TcpStack,
    /** Flow id shared by both ends and every packet of the connection, for traces. */
    readonly id: number,
    readonly localAddress: Address,
    readonly localPort: number,
    readonly remoteAddress: Address,
    readonly remotePort: number,
    /** True for the end that sent the first SYN. */
    readonly isClient: boolean,
    iss: number,
  ) {
    this.iss = iss >>> 0;
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.state = isClient ? 'syn-sent' : 'syn-received';
    this.startedAt = stack.host.network.sim.now;
    this.fire = () => this.onTimer();
  }

  /** The OS profile of the host this end lives on. */
  private get os() {
    return this.stack.host.os;
  }

  private get now(): number {
    return this.stack.host.network.sim.now;
  }

  /** A signal fired with the connect report: `const r = yield conn.connected`. */
  get connected(): Signal<ConnectReport> {
    if (this.signal === null) {
      this.signal = new Signal<ConnectReport>();
      if (this.report !== null) this.signal.fire(this.report);
    }
    return this.signal;
  }

  /**
   * Every arriving message, then the `TcpEnd`, as a mailbox for processes:
   * `const m = yield conn.inbox`. Only what arrives after the first use is queued.
   */
  get inbox(): Mailbox<Payload | TcpEnd> {
    this.mailbox ??= new Mailbox<Payload | TcpEnd>();
    return this.mailbox;
  }

  /** True while data can be sent: established and not yet closed by this end. */
  get writable(): boolean {
    return this.state === 'established' && this.finSeq < 0;
  }

  /**
   * Sends one application message as one data segment. Returns false (and sends nothing)
   * unless the connection is `writable`.
   */
  send(payload: Payload): boolean {
    if (!this.writable) return false;
    const seg = tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.ACK | TcpFlag.PSH, this.sndNxt, this.rcvNxt, payload, this.id);
    // Data sent soon after data arrived: the connection is interactive (Linux's pingpong
    // mode, entered in tcp_event_data_sent).
    if (this.now - this.lastRecvAt < this.os.delayedAck) this.interactive = true;
    this.sndNxt = (this.sndNxt + payload.length) >>> 0;
    this.unacked.push(seg);
    this.transmit(seg);
    if (this.timerKind !== TIMER_RTO) this.arm(TIMER_RTO, this.rto);
    return true;
  }

  /** Orderly close: sends a FIN after any data already sent. The end is reported once the peer's FIN arrives. */
  close(): void {
    if (this.state === 'syn-sent' || this.state === 'syn-received') {
      this.abort();
      return;
    }
    if (this.state !== 'established' || this.finSeq >= 0) return;
    this.finSeq = this.sndNxt;
    const fin = tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.FIN | TcpFlag.ACK, this.sndNxt, this.rcvNxt, null, this.id);
    this.sndNxt = (this.sndNxt + 1) >>> 0;
    this.unacked.push(fin);
    this.transmit(fin);
    if (this.timerKind !== TIMER_RTO) this.arm(TIMER_RTO, this.rto);
    this.state = 'closing';
  }

  /**
   * Abortive close: a RST to the peer when connected, nothing while connecting. Ends the
   * connection at once with reason `aborted`; a pending connect attempt is withdrawn and
   * keeps no report.
   */
  abort(): void {
    if (this.isClosed()) return;
    if (this.state === 'established' || this.state === 'closing') {
      this.transmit(tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.RST | TcpFlag.ACK, this.sndNxt, this.rcvNxt, null, this.id));
    }
    this.finish('aborted', null);
  }

  /** Starts a client attempt; `appTimeout` is the application's own connect timeout, if any. Called by the stack. */
  start(appTimeout: number | undefined): void {
    this.sendSyn();
    this.armSynTimer();
    if (appTimeout !== undefined && appTimeout < this.os.connectTimeout) {
      this.appDue = this.now + appTimeout;
      this.appTimerId = this.stack.host.network.sim.after(appTimeout, () => {
        this.appTimerId = -1;
        if (this.state === 'syn-sent') this.fail('ETIMEDOUT');
      });
    }
  }

  /** Ends a pending attempt that could not even send its SYN (no network). Called by the stack. */
  failWithoutSending(kind: ErrnoKind): void {
    if (this.state === 'syn-sent') this.fail(kind);
  }

  /** Answers a SYN on the server side. Called by the stack. */
  acceptSyn(syn: Packet): void {
    this.rcvNxt = (syn.seq + 1) >>> 0;
    this.sndNxt = (this.iss + 1) >>> 0;
    this.sendSynAck();
    this.arm(TIMER_HALF_OPEN, this.os.connectTimeout);
  }

  /** Handles a segment for this connection. Called by the stack. */
  receive(seg: Packet): void {
    switch (this.state) {
      case 'syn-sent':
        this.receiveInSynSent(seg);
        return;
      case 'syn-received':
        this.receiveInSynReceived(seg);
        return;
      case 'established':
      case 'closing':
        this.receiveSynchronized(seg);
        return;
      case 'closed':
        return;
    }
  }

  /** Handles an ICMP error about one of this connection's segments. Called by the stack. */
  receiveIcmp(code: number, about: Packet): void {
    // Only errors quoting the SYN count, as a stack checks the quoted sequence number (RFC 5927).
    if (this.state !== 'syn-sent' || about.seq !== this.iss) return;
    const reaction = this.os.icmpReaction(code, this.synsSent - 1);
    if (reaction.kind === 'abort') this.fail(reaction.errno);
    else if (reaction.kind === 'soft') this.softError = reaction.errno;
  }

  private receiveInSynSent(seg: Packet): void {
    const ackOk = seg.has(TcpFlag.ACK) && seg.ack === ((this.iss + 1) >>> 0);
    if (seg.has(TcpFlag.RST)) {
      // In SYN-SENT a RST counts only if it acknowledges our SYN (RFC 9293 §3.10.7.3).
      if (!ackOk) return;
      if (this.rstRetries < this.os.rstRetries) {
        this.rstRetries++;
        this.arm(TIMER_RST_RETRY, this.os.rstRetryInterval);
        return;
      }
      this.fail('ECONNREFUSED');
      return;
    }
    if (seg.has(TcpFlag.SYN) && ackOk) {
      this.rcvNxt = (seg.seq + 1) >>> 0;
      this.sndUna = this.sndNxt = (this.iss + 1) >>> 0;
      this.setRto(this.now - this.lastSynAt);
      this.sendAck();
      this.becomeEstablished();
      const took = this.now - this.startedAt;
      this.resolve({ outcome: 'connected', errno: null, elapsed: took, connectedAfter: took, synsSent: this.synsSent });
    }
  }

  private receiveInSynReceived(seg: Packet): void {
    if (seg.has(TcpFlag.RST)) {
      if (seg.seq === this.rcvNxt) this.finish('reset', null, true);
      return;
    }
    if (seg.has(TcpFlag.SYN)) {
      // The client re-sent its SYN: our SYN-ACK was lost or is late. Answer again.
      if (((seg.seq + 1) >>> 0) === this.rcvNxt) this.sendSynAck();
      return;
    }
    if (seg.has(TcpFlag.ACK) && seg.ack === this.sndNxt) {
      this.sndUna = this.sndNxt;
      this.setRto(this.now - this.lastSynAt);
      this.becomeEstablished();
      this.stack.accepted(this);
      if (!this.isClosed()) this.receiveSynchronized(seg);
    }
  }

  private receiveSynchronized(seg: Packet): void {
    if (seg.has(TcpFlag.RST)) {
      if (seg.seq === this.rcvNxt) {
        this.finish('reset', this.peerFin ? 'EPIPE' : 'ECONNRESET');
      } else if (((seg.seq - this.rcvNxt) >>> 0) < RECEIVE_WINDOW) {
        this.sendAck(true); // challenge ACK
      }
      return;
    }
    if (seg.has(TcpFlag.SYN)) {
      this.sendAck(true);
      return;
    }
    if (seg.has(TcpFlag.ACK)) this.processAck(seg.ack);
    if (this.isClosed()) return;

    const len = seg.length;
    let inOrder = false;
    if (len > 0) {
      if (seg.seq === this.rcvNxt) {
        inOrder = true;
        this.rcvNxt = (this.rcvNxt + len) >>> 0;
        this.bytesUnacked += len;
        this.lastRecvAt = this.now;
        this.deliver(seg.payload as Payload);
        if (this.isClosed()) return;
      }
      // Old duplicates and segments after a gap are answered with an ACK of what we have.
    }
    if (seg.has(TcpFlag.FIN) && ((seg.seq + len) >>> 0) === this.rcvNxt && !this.peerFin) {
      this.rcvNxt = (this.rcvNxt + 1) >>> 0;
      this.peerFin = true;
      if (this.finSeq < 0) {
        // Linux enters pingpong mode on a FIN (tcp_fin): its ACK can ride on what the
        // program sends before it closes in turn, or on that FIN.
        this.interactive = true;
        this.ackSoon();
      } else this.sendAck();
      this.finish('closed', null, false);
      if (this.isClosed()) return;
      // The peer is done; most programs close their side on EOF, and so do we, once the
      // program has had its turn at this moment: a server that read QUIT just before the
      // FIN still sends its 221 first.
      if (this.finSeq < 0) {
        this.stack.host.network.sim.after(0, () => {
          if (this.finSeq < 0 && !this.isClosed()) this.close();
        });
      }
      this.maybeFullyClosed();
      return;
    }
    if (inOrder) this.ackSoon();
    else if (len > 0 || seg.has(TcpFlag.FIN)) this.sendAck();
  }

  /** Acknowledges in-order data now or a little later (see the module's notes). */
  private ackSoon(): void {
    if (this.ackedUpTo === this.rcvNxt) return; // a reply has carried it already
    const os = this.os;
    if ((os.quickAck && !this.interactive) || this.bytesUnacked > MSS) {
      this.sendAck();
      return;
    }
    if (this.delackId < 0) {
      this.delackFire ??= () => this.onDelack();
      this.delackId = this.stack.host.network.sim.after(os.delayedAck, this.delackFire);
    }
  }

  // Unlike the retransmission timer, the delayed ACK is cancelled at once: it is due 40 ms
  // or so after data arrives, sooner than the next exchange would re-arm it.
  private cancelDelack(): void {
    if (this.delackId < 0) return;
    this.stack.host.network.sim.cancel(this.delackId);
    this.delackId = -1;
  }

  private onDelack(): void {
    this.delackId = -1;
    if (this.isClosed()) return;
    this.sendAck();
    // The reply did not come in time: Linux leaves pingpong mode (tcp_delack_timer_handler).
    this.interactive = false;
  }

  private processAck(ack: number): void {
    if (!seqLess(this.sndUna, ack) || seqLess(this.sndNxt, ack)) return;
    this.sndUna = ack;
    let i = 0;
    while (i < this.unacked.length) {
      const s = this.unacked[i] as Packet;
      const end = (s.seq + Math.max(s.length, s.has(TcpFlag.FIN) ? 1 : 0)) >>> 0;
      if (seqLess(ack, end)) break;
      i++;
    }
    if (i > 0) this.unacked = this.unacked.slice(i);
    if (this.finSeq >= 0 && !seqLess(ack, (this.finSeq + 1) >>> 0)) this.finAcked = true;
    this.dataRetries = 0;
    if (this.unacked.length === 0) this.disarm();
    else this.arm(TIMER_RTO, this.rto);
    this.maybeFullyClosed();
  }

  private maybeFullyClosed(): void {
    if (this.peerFin && this.finAcked && this.state !== 'closed') {
      this.dropTimers();
      this.state = 'closed';
      this.stack.forget(this);
    }
  }

  // A method rather than an inline test: callbacks run in between can close the connection,
  // which flow analysis cannot see.
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private deliver(payload: Payload): void {
    this.messagesReceived++;
    if (this.mailbox !== null) this.mailbox.put(payload);
    this.onMessage?.(payload, this);
  }

  private becomeEstablished(): void {
    this.state = 'established';
    this.lastRecvAt = this.now;
    this.disarm();
    this.clearAppTimer();
  }

  private resolve(report: ConnectReport): void {
    this.report = report;
    if (this.signal !== null && !this.signal.triggered) this.signal.fire(report);
    this.onConnect?.(report, this);
  }

  private fail(kind: ErrnoKind): void {
    const outcome: ConnectOutcome = outcomeOfErrno(kind);
    const errno = this.os.errno(kind);
    this.resolve({ outcome, errno, elapsed: this.now - this.startedAt, connectedAfter: null, synsSent: this.synsSent });
    this.finish(outcome === 'timed-out' ? 'timed-out' : outcome === 'refused' ? 'refused' : 'unreachable', kind);
  }

  /**
   * Reports the end once. `terminal` false means the end is reported but the connection still
   * finishes its closing handshake (the orderly-close case).
   */
  private finish(reason: EndReason, kind: ErrnoKind | null, terminal = true): void {
    if (this.planned !== null) {
      // Ended before its connect timeout: the repeats planned from now on are never sent.
      this.planned.cut(this.now);
      this.planned = null;
    }
    if (terminal) {
      this.dropTimers();
      this.clearAppTimer();
      this.state = 'closed';
      this.stack.forget(this);
    }
    if (this.end !== null) return;
    const errno = kind === null ? null : this.os.errno(kind);
    const end: TcpEnd = { type: 'end', reason, errno, time: this.now };
    this.end = end;
    if (reason === 'reset' && this.isClient && this.report !== null && this.report.outcome === 'connected') {
      this.report = { ...this.report, outcome: 'reset', errno, elapsed: this.now - this.startedAt };
    }
    if (this.mailbox !== null) this.mailbox.put(end);
    this.onEnd?.(end, this);
  }

  private setRto(rtt: number): void {
    // RFC 6298 §2.2 on the first sample: SRTT = R, RTTVAR = R/2, so RTO = 3R, floored by the OS.
    this.rto = Math.min(this.os.maxRto, Math.max(this.os.minRto, 3 * rtt));
  }

  private sendSyn(): void {
    this.synsSent++;
    this.lastSynAt = this.now;
    const syn = tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.SYN, this.iss, 0, null, this.id);
    // A repeated SYN may be dropped on the spot when its border would drop it silently, and
    // then so may all those still to come, none of them costing an event.
    if (this.synsSent > 1) {
      if (this.stack.host.sendAgain(syn, this.startedAt) && this.synIndex < this.os.synRetransmits.length) this.planRepeats(syn);
    } else this.transmit(syn);
  }

  /**
   * After a repeat was dropped on the spot, offers the border the repeats still to come: the
   * SYN at each moment of the OS's schedule left, up to the application's own timeout. When
   * the border takes them (`Host.planAgain`), they count as sent, and the SYN timer is set
   * for the connect timeout with nothing in between; the outcome, its moment and the SYNs
   * it reports are those of sending them one by one.
   */
  private planRepeats(syn: Packet): void {
    const schedule = this.os.synRetransmits;
    const sentAt: number[] = [];
    // Each moment worked out as the timer sets it, from the moment of the SYN before.
    let t = this.now;
    for (let i = this.synIndex; i < schedule.length; i++) {
      t = dueAfter(t, this.startedAt + (schedule[i] as number));
      // The application's timer was set before the SYN timers of these repeats: at the same
      // moment it goes first, and the repeat is never sent.
      if (!(t < this.appDue)) break;
      sentAt.push(t);
    }
    if (sentAt.length === 0) return;
    const plan = this.stack.host.planAgain(syn, this.startedAt, sentAt);
    if (plan === null) return;
    this.planned = plan;
    this.synsSent += sentAt.length;
    this.synIndex = schedule.length;
    this.armAt(TIMER_SYN, dueAfter(t, this.startedAt + this.os.connectTimeout));
  }

  private sendSynAck(): void {
    this.lastSynAt = this.now;
    this.transmit(tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.SYN | TcpFlag.ACK, this.iss, this.rcvNxt, null, this.id));
  }

  private sendAck(force = false): void {
    if (!force && this.ackedUpTo === this.rcvNxt) return;
    this.transmit(tcpSegment(this.localAddress, this.localPort, this.remoteAddress, this.remotePort, TcpFlag.ACK, this.sndNxt, this.rcvNxt, null, this.id));
  }

  private transmit(seg: Packet): void {
    if (seg.has(TcpFlag.ACK)) {
      this.ackedUpTo = seg.ack;
      if (seg.ack === this.rcvNxt) {
        this.bytesUnacked = 0;
        this.cancelDelack();
      }
    }
    this.stack.host.send(seg);
  }

  private armSynTimer(): void {
    const at = this.os.synRetransmits[this.synIndex] ?? this.os.connectTimeout;
    // The same sum as `planRepeats` makes for the moments it plans.
    this.armAt(TIMER_SYN, dueAfter(this.now, this.startedAt + Math.min(at, this.os.connectTimeout)));
  }

  private arm(kind: number, delay: number): void {
    this.armAt(kind, this.now + Math.max(0, delay));
  }

  private armAt(kind: number, due: number): void {
    const sim = this.stack.host.network.sim;
    this.timerKind = kind;
    this.timerDue = due;
    if (this.timerId >= 0) {
      if (this.timerAt <= due) return; // its event will look again when it runs
      sim.cancel(this.timerId);
    }
    this.timerAt = due;
    this.timerId = sim.at(due, this.fire);
  }

  /** Stops the timer; its kernel event, if any, runs and finds nothing to do. */
  private disarm(): void {
    this.timerKind = TIMER_NONE;
  }

  /** The connection is over: its timers' kernel events go too. */
  private dropTimers(): void {
    const sim = this.stack.host.network.sim;
    this.timerKind = TIMER_NONE;
    if (this.timerId >= 0) sim.cancel(this.timerId);
    this.timerId = -1;
    this.cancelDelack();
  }

  private clearAppTimer(): void {
    if (this.appTimerId >= 0) this.stack.host.network.sim.cancel(this.appTimerId);
    this.appTimerId = -1;
  }

  private onTimer(): void {
    const kind = this.timerKind;
    this.timerId = -1;
    if (kind === TIMER_NONE) return;
    const sim = this.stack.host.network.sim;
    if (this.timerDue > sim.now) {
      this.timerAt = this.timerDue;
      this.timerId = sim.at(this.timerDue, this.fire);
      return;
    }
    this.timerKind = TIMER_NONE;
    switch (kind) {
      case TIMER_SYN:
        if (this.synIndex >= this.os.synRetransmits.length) {
          // Every planned repeat went before this moment: none is withdrawn.
          this.planned = null;
          // Linux reports a stored soft error instead of ETIMEDOUT (REFERENCE.md §1b).
          this.fail(this.softError !== null && this.os.family === 'linux' ? this.softError : 'ETIMEDOUT');
          return;
        }
        this.synIndex++;
        this.sendSyn();
        // Planned repeats have set the timer for the connect timeout already.
        if (this.planned === null) this.armSynTimer();
        return;
      case TIMER_RST_RETRY:
        this.sendSyn();
        if (this.planned === null) this.armSynTimer();
        return;
      case TIMER_RTO:
        if (++this.dataRetries > this.os.dataRetries) {
          this.finish('timed-out', 'ETIMEDOUT');
          return;
        }
        this.rto = Math.min(this.os.maxRto, this.rto * 2);
        // Go-back-N: resend everything unacknowledged, with a fresh ACK field.
        for (const s of this.unacked) {
          this.transmit(tcpSegment(s.src, s.srcPort, s.dst, s.dstPort, s.flags, s.seq, this.rcvNxt, s.payload, this.id));
        }
        this.arm(TIMER_RTO, this.rto);
        return;
      case TIMER_HALF_OPEN:
        // The handshake never completed; the server forgets it without telling anyone.
        this.dropTimers();
        this.state = 'closed';
        this.stack.forget(this);
        return;
      default:
        return;
    }
  }

  /** "10.0.0.2:40000 → 192.0.2.25:25" for messages. */
  toString(): string {
    return `${formatAddress(this.localAddress)}:${this.localPort} → ${formatAddress(this.remoteAddress)}:${this.remotePort}`;
  }
}

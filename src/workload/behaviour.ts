/**
 * What people do when sending keeps failing: some find a fix and change their settings
 * (after a while), some call their ISP's support, some give up on mail. Who does what is
 * decided once per user from their own stream, so the same people react the same way in
 * every variant that fails them.
 *
 * @module
 */
import type { RandomSource } from '../engine/index.js';

/** A reaction: after `after` failed sends in a row, a `share` of users do it. */
export interface Reaction {
  readonly after: number;
  readonly share: number;
}

/** The reactions of a group. */
export interface BehaviourConfig {
  readonly reconfigure?: Reaction & { readonly delay: number };
  readonly support?: Reaction;
  readonly giveUp?: Reaction;
}

/** What a user does after a failed send. */
export interface Reactions {
  /** Seconds until the user changes settings, or null. */
  reconfigureIn: number | null;
  supportCall: boolean;
  giveUp: boolean;
}

/** One user's dispositions and what they have already done. */
export class UserBehaviour {
  private readonly willReconfigure: boolean;
  private readonly willCall: boolean;
  private readonly willGiveUp: boolean;
  private reconfigured = false;
  private called = false;

  constructor(
    private readonly config: BehaviourConfig,
    private readonly rng: RandomSource,
  ) {
    // Draw every disposition now, in a fixed order, so that one never shifts another's draws.
    this.willReconfigure = rng.float() < (config.reconfigure?.share ?? 0);
    this.willCall = rng.float() < (config.support?.share ?? 0);
    this.willGiveUp = rng.float() < (config.giveUp?.share ?? 0);
  }

  /** The user's reactions to `failures` failed sends in a row. */
  react(failures: number): Reactions {
    const out: Reactions = { reconfigureIn: null, supportCall: false, giveUp: false };
    const r = this.config.reconfigure;
    if (r !== undefined && this.willReconfigure && !this.reconfigured && failures >= r.after) {
      this.reconfigured = true;
      out.reconfigureIn = this.rng.exponential(r.delay);
    }
    const s = this.config.support;
    if (s !== undefined && this.willCall && !this.called && failures >= s.after) {
      this.called = true;
      out.supportCall = true;
    }
    const g = this.config.giveUp;
    if (g !== undefined && this.willGiveUp && failures >= g.after && !(this.willReconfigure && this.reconfigured)) out.giveUp = true;
    return out;
  }
}

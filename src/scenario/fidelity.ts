/**
 * How much detail a run records: every packet, flows, or metrics only, and packet recording
 * for a sample of clients.
 *
 * Written either in full (`fidelity: { level: flows, packetSample: 2% }`) or as the level
 * alone (`fidelity: metrics`).
 *
 * @module
 */
import { z } from 'zod';
import { doc, share, strictObject } from './fields.js';

/** Detail levels, most detailed first. */
export const FIDELITY_LEVELS = ['packets', 'flows', 'metrics'] as const;

/** A detail level. */
export type FidelityLevel = (typeof FIDELITY_LEVELS)[number];

const level = z.enum(FIDELITY_LEVELS);

const fidelityObject = strictObject({
  level: doc(level.default('packets'), '`packets` records every packet; `flows` one record per connection; `metrics` counters only.'),
  packetSample: doc(share.optional(), 'Share of clients whose packets are recorded anyway at `flows` or `metrics` level.'),
});

/** The fidelity section, resolved: the level and the share of clients whose packets are kept. */
export interface Fidelity {
  readonly level: FidelityLevel;
  /** 1 at `packets` level; at the other levels, the sample given (0 if none). */
  readonly packetSample: number;
}

/** The `fidelity` section. */
export const fidelitySchema = z
  .union([level, fidelityObject])
  .transform((v, ctx): Fidelity => {
    if (typeof v === 'string') return { level: v, packetSample: v === 'packets' ? 1 : 0 };
    if (v.level === 'packets' && v.packetSample !== undefined && v.packetSample !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['packetSample'],
        message: "packetSample applies to the 'flows' and 'metrics' levels; at 'packets' every client's packets are recorded",
      });
      return z.NEVER;
    }
    return { level: v.level, packetSample: v.level === 'packets' ? 1 : (v.packetSample ?? 0) };
  })
  .default({ level: 'packets', packetSample: 1 });

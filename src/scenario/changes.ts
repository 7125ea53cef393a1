/**
 * Timed changes: at a moment of the run, or over a ramp for a growing share of clients,
 * something in the world changes — a rule is switched on, a server's setting changes, users
 * move to another configuration.
 *
 * ```yaml
 * changes:
 *   - at: 2d                      # switch the block on two days in
 *     target: { rule: lime/block-25 }
 *     action: enable
 *   - at: 3d                      # users discover port 587, over a week
 *     over: 7d
 *     share: 60%
 *     target: { group: adsl-users }
 *     action: set
 *     set: { mailClient: { port: 587 } }
 * ```
 *
 * The target is a mapping with one key, its kind ({@link TARGET_KINDS}), naming the thing
 * changed. New kinds are added to that list as models land. What `set` may contain is the
 * target model's business: it is passed on as written and checked when the world is built.
 *
 * @module
 */
import { z } from 'zod';
import { doc, duration, name, share, strictObject, text, timePoint } from './fields.js';

/** What a change can apply to. Each kind names the world section whose items it refers to. */
export const TARGET_KINDS = ['rule', 'server', 'group', 'isp'] as const;

/** A kind of target. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** A thing in the world, by kind and name. */
export interface TargetRef {
  readonly kind: TargetKind;
  readonly name: string;
}

/** `{ rule: lime/block-25 }` → `{ kind: 'rule', name: 'lime/block-25' }`. */
export const targetSchema = strictObject(Object.fromEntries(TARGET_KINDS.map((k) => [k, name.optional()])) as Record<TargetKind, z.ZodOptional<typeof name>>).transform(
  (v, ctx): TargetRef => {
    // An unknown kind was already reported (with a suggestion); saying "expected one target" too would only repeat it.
    if (ctx.issues.length > 0) return z.NEVER;
    const given = TARGET_KINDS.filter((k) => v[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? `expected one target, such as { rule: lime/block-25 } or { group: adsl-users } (kinds: ${TARGET_KINDS.join(', ')})`
            : `expected one target, found ${given.join(' and ')}`,
      });
      return z.NEVER;
    }
    const kind = given[0]!;
    return { kind, name: v[kind]! };
  },
);

/** What a change does to its target. */
export const CHANGE_ACTIONS = ['enable', 'disable', 'set'] as const;

/** One timed change. */
export const changeSchema = strictObject({
  name: doc(name.optional(), 'Optional name, so that a variant can override this change by name.'),
  at: doc(timePoint, 'When the change starts: a time from the start of the run or a date-time.'),
  over: doc(duration.default(0), 'The length of the ramp: the share of clients concerned grows linearly from 0 over it. 0 = at once.'),
  share: doc(share.default(1), 'The share of the target\'s clients the change reaches (at the end of the ramp).'),
  target: doc(targetSchema, 'What changes.'),
  action: doc(z.enum(CHANGE_ACTIONS), '`enable` or `disable` a rule (or anything that can be switched); `set` changes settings.'),
  set: doc(z.record(z.string(), z.unknown()).optional(), 'For `set`: the settings to change, as the target\'s own section writes them.'),
  note: doc(text.optional(), 'Why: shown in the replay\'s event log.'),
}).superRefine((c, ctx) => {
  if (c.action === 'set' && c.set === undefined) {
    ctx.addIssue({ code: 'custom', path: ['action'], message: "action 'set' needs a 'set' mapping with the settings to change" });
  }
  if (c.action !== 'set' && c.set !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['set'], message: `'set' goes with action 'set', not '${c.action}'` });
  }
});

/** A timed change, as validated (times in seconds from the start of the run). */
export type Change = z.output<typeof changeSchema>;

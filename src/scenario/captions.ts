/**
 * Captions: text shown to a learner during the replay, at a moment or when something first
 * happens (the first reset, the first bounce).
 *
 * ```yaml
 * captions:
 *   - at: 0s
 *     text: Monday morning. The ISP has just switched on its port-25 block.
 *   - first: timeout
 *     group: adsl-users
 *     text: A client waits for an answer that never comes — the block drops silently.
 * ```
 *
 * @module
 */
import { z } from 'zod';
import { doc, duration, name, strictObject, text, timePoint } from './fields.js';
import { USER_ERROR_KINDS } from './expectation-syntax.js';

/**
 * Happenings a caption can wait for: what users see (the report's `userErrors` kinds) and
 * what the mail system does.
 */
export const CAPTION_EVENTS = [...USER_ERROR_KINDS, 'bounced', 'delivered', 'listed', 'supportCall', 'ruleHit'] as const;

/** A happening a caption can wait for. */
export type CaptionEvent = (typeof CAPTION_EVENTS)[number];

/** One caption. */
export const captionSchema = strictObject({
  at: doc(timePoint.optional(), 'Show it at this moment...'),
  first: doc(z.enum(CAPTION_EVENTS).optional(), '...or when this first happens.'),
  group: doc(name.optional(), 'With `first`: only for this client group.'),
  server: doc(name.optional(), 'With `first`: only at or from this server.'),
  /** The text. */
  text,
  hold: doc(duration.optional(), 'How long it stays on screen in the replay (default: until the next caption).'),
}).superRefine((c, ctx) => {
  if ((c.at === undefined) === (c.first === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: c.at === undefined ? "expected 'at' (a time) or 'first' (a happening, such as 'reset' or 'bounced')" : "give 'at' or 'first', not both",
    });
  }
  if (c.at !== undefined && (c.group !== undefined || c.server !== undefined)) {
    ctx.addIssue({ code: 'custom', path: [c.group !== undefined ? 'group' : 'server'], message: "'group' and 'server' narrow a 'first' caption; a caption 'at' a time has none" });
  }
});

/** A caption, as validated. */
export type Caption = z.output<typeof captionSchema>;

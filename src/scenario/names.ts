/**
 * Named things that parts of a scenario refer to, and the records of definitions and uses that
 * reference checking works on.
 *
 * @module
 */
import type { PathSegment } from './position.js';

/** Kinds of named thing, with the words used in messages. Add a kind here when a section names a new sort of thing. */
export const NAME_KINDS = {
  isp: { label: 'ISP', plural: 'ISPs' },
  server: { label: 'server', plural: 'servers' },
  group: { label: 'client group', plural: 'client groups' },
  rule: { label: 'rule', plural: 'rules' },
  variant: { label: 'variant', plural: 'variants' },
} as const satisfies Record<string, { label: string; plural: string }>;

/** A kind of named thing. */
export type NameKind = keyof typeof NAME_KINDS;

/** A place where a name is defined (`name: adsl-users` in a client group) or used. */
export interface NameSite {
  readonly kind: NameKind;
  readonly name: string;
  /** Path of the value holding the name, from the top of the scenario. */
  readonly path: readonly PathSegment[];
  /** For a name inside a longer text (an expectation): its offset in that text. */
  readonly offset?: number;
}

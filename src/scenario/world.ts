/**
 * The world section: the Internet, DNS, ISPs, servers and client groups.
 *
 * This is the extension point for the models. Each key of `world` is a {@link WorldSection}
 * listed in {@link WORLD_SECTIONS}; the scenario schema is built from that table, so adding a
 * model's configuration means writing its schema in a file of this folder (say
 * `world-isps.ts`, importing only `fields.ts` and zod) and putting it in the table in place of
 * the provisional entry. The types, the JSON Schema, the located errors and the reference
 * checks follow from the table.
 *
 * Convention for every section: a list of things is a list of mappings with a `name`; a
 * variant overrides such a list item by item, by name (see `variants.ts`).
 *
 * @module
 */
import { z } from 'zod';
import { strictObject } from './fields.js';
import type { NameKind, NameSite } from './names.js';
import { groupsSection } from './world-groups.js';
import { dnsSection, internetSection } from './world-internet.js';
import { ispsSection } from './world-isps.js';
import { serversSection } from './world-servers.js';

/** One key of `world`: its schema and the names it defines and uses. */
export interface WorldSection<S extends z.ZodType = z.ZodType> {
  /** Validates the section's value (as written; it may read units through `fields.ts`). */
  readonly schema: S;
  /** What the section is, for the JSON Schema. */
  readonly description: string;
  /** The kinds of name the section defines (references to these kinds get checked). */
  readonly definesKinds?: readonly NameKind[];
  /**
   * The names the section defines, read from its raw value (which may be invalid: read
   * defensively). Paths are relative to the section.
   */
  readonly defines?: (raw: unknown) => Iterable<NameSite>;
  /** The names the section refers to, read the same way. */
  readonly uses?: (raw: unknown) => Iterable<NameSite>;
}

/** The items of a raw list that are mappings with a text `name`, with their index. */
export function namedItems(raw: unknown): { index: number; name: string; item: Record<string, unknown> }[] {
  if (!Array.isArray(raw)) return [];
  const out: { index: number; name: string; item: Record<string, unknown> }[] = [];
  raw.forEach((item: unknown, index) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const n = (item as Record<string, unknown>)['name'];
      if (typeof n === 'string') out.push({ index, name: n, item: item as Record<string, unknown> });
    }
  });
  return out;
}

/** The sections of `world`, by key. */
export const WORLD_SECTIONS = {
  internet: internetSection,
  dns: dnsSection,
  isps: ispsSection,
  servers: serversSection,
  clientGroups: groupsSection,
} satisfies Record<string, WorldSection>;

type Sections = typeof WORLD_SECTIONS;

/** The `world` mapping: one key per section. */
export const worldSchema = strictObject(
  Object.fromEntries(Object.entries(WORLD_SECTIONS).map(([k, s]) => [k, s.schema.meta({ description: s.description })])) as {
    [K in keyof Sections]: Sections[K]['schema'];
  },
).prefault({});

/** The world, as validated. */
export type World = z.output<typeof worldSchema>;

/** Names defined or used by the world's sections, with paths from the top of the scenario. */
export function worldNames(rawWorld: unknown): { defines: NameSite[]; uses: NameSite[] } {
  const defines: NameSite[] = [];
  const uses: NameSite[] = [];
  if (typeof rawWorld !== 'object' || rawWorld === null) return { defines, uses };
  for (const [key, section] of Object.entries(WORLD_SECTIONS) as [string, WorldSection][]) {
    const raw = (rawWorld as Record<string, unknown>)[key];
    const prefix = (s: NameSite): NameSite => ({ ...s, path: ['world', key, ...s.path] });
    for (const s of section.defines?.(raw) ?? []) defines.push(prefix(s));
    for (const s of section.uses?.(raw) ?? []) uses.push(prefix(s));
  }
  return { defines, uses };
}

/** The kinds of name that some section defines: only these are checked where they are used. */
export function definedKinds(): Set<NameKind> {
  const kinds = new Set<NameKind>(['variant']);
  for (const section of Object.values(WORLD_SECTIONS) as WorldSection[]) {
    for (const k of section.definesKinds ?? []) kinds.add(k);
  }
  return kinds;
}

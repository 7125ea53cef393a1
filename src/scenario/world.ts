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
 * Until a model lands its section is provisional: `internet` and `dns` accept anything, and
 * the lists of named things (`isps`, `servers`, `clientGroups`) check only that each item is a
 * mapping with a unique `name`, so that other sections can already refer to them by name.
 * Whatever a provisional section holds keeps its positions, for the model's own checks later.
 *
 * Convention for every section: a list of things is a list of mappings with a `name`; a
 * variant overrides such a list item by item, by name (see `variants.ts`).
 *
 * @module
 */
import { z } from 'zod';
import { name, strictObject } from './fields.js';
import type { NameKind, NameSite } from './names.js';
import type { PathSegment } from './position.js';

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

/** A provisional list of named things of `kind`: each item a mapping with a `name`, the rest checked later. */
function provisionalNamedList(kind: NameKind, description: string) {
  const defines = (raw: unknown): NameSite[] =>
    namedItems(raw).map(({ index, name: n }) => ({ kind, name: n, path: [index, 'name'] as PathSegment[] }));
  return {
    schema: z.array(z.looseObject({ name })).default([]),
    description,
    definesKinds: [kind],
    defines,
  } satisfies WorldSection;
}

/** A provisional section whose content is checked when its model lands. */
function provisional(description: string) {
  return { schema: z.unknown().optional(), description } satisfies WorldSection;
}

/** The sections of `world`, by key. */
export const WORLD_SECTIONS = {
  internet: provisional('The Internet core: latency between ISPs and the rest of the world.'),
  dns: provisional('DNS names and MX records.'),
  isps: provisionalNamedList('isp', 'Access ISPs: prefixes, line classes and contracts, firewall rules, smart hosts.'),
  servers: provisionalNamedList('server', 'Mail servers with their policies, VPN servers and forwarders.'),
  clientGroups: provisionalNamedList('group', 'Groups of subscribers: count, line, OS, mail client, sending rate, zombies, roaming.'),
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

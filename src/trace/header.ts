/**
 * What a trace says about the run that made it: enough to replay it anywhere and to run it
 * again, the same, byte for byte.
 *
 * @module
 */

/** An ISP and its firewall rules, in evaluation order. */
export interface IspInfo {
  name: string;
  rules: { id: string; text: string }[];
}

/** A group of clients of one ISP that behave alike. */
export interface GroupInfo {
  name: string;
  isp: string;
  clients: number;
}

/** A mail server (or smart host, or VPN endpoint) the clients talk to. */
export interface ServerInfo {
  name: string;
  ip?: string;
}

/**
 * The entities of the run, so the replay can show everything from the first frame, even what
 * nothing has happened to yet.
 */
export interface TraceEntities {
  isps: IspInfo[];
  groups: GroupInfo[];
  servers: ServerInfo[];
  lists: string[];
}

/** The first record of a trace file. */
export interface TraceHeader {
  /** The scenario's title. */
  title: string;
  /** The policy variant this run used (`today`, `proposed`, …). */
  variant: string;
  /** The scenario text with its defaults resolved, so it runs the same anywhere. */
  scenario: string;
  /** Hash of `scenario` (hex), to tell runs of the same scenario apart from others. */
  scenarioHash: string;
  /** The run's seed, as a decimal string: seeds may exceed 2^53. */
  seed: string;
  /** portsim's package version that made the run. */
  engineVersion: string;
  /** The simulated start of the run, ISO 8601 (`2009-09-12T08:00:00Z`); time 0 is this instant. */
  start: string;
  entities: TraceEntities;
}

/** Reasons a header read from a file is unusable, or `[]`. */
export function headerProblems(h: unknown): string[] {
  if (typeof h !== 'object' || h === null) return ['the header is not an object'];
  const r = h as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['title', 'variant', 'scenario', 'scenarioHash', 'seed', 'engineVersion', 'start'] as const) {
    if (typeof r[key] !== 'string') problems.push(`header field "${key}" is missing or not text`);
  }
  const e = r['entities'] as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null) problems.push('header field "entities" is missing');
  else {
    for (const key of ['isps', 'groups', 'servers', 'lists'] as const) {
      if (!Array.isArray(e[key])) problems.push(`header field "entities.${key}" is missing or not a list`);
    }
  }
  return problems;
}

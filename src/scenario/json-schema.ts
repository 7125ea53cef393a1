/**
 * The scenario schema as JSON Schema, for editors: a scenario that starts with
 * `# yaml-language-server: $schema=portsim.schema.json` gets completion and checks.
 *
 * @module
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** The JSON Schema (draft 2020-12) of a scenario file as written. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // 'input': describe what authors write (text with units), not the numbers it becomes.
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** The JSON Schema as the text of `scenarios/portsim.schema.json` (two-space indent, final newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/index.js';

describe('the JSON Schema for editors', () => {
  it('is committed, up to date, as scenarios/portsim.schema.json (npm run schema rewrites it)', () => {
    expect(readFileSync('scenarios/portsim.schema.json', 'utf8')).toBe(scenarioJsonSchemaText());
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(scenarioJsonSchema());

  it('is a valid draft 2020-12 schema that accepts a valid scenario as written', () => {
    // The included file is inlined by hand: editors see the !include tag, not its content.
    const text = readFileSync('test/scenario/fixtures/good/full.yaml', 'utf8').replace('!include parts/isps.yaml', '[]');
    const ok = validate(parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what the validator rejects: unknown keys and wrong types', () => {
    expect(validate({ title: 'x', duration: '1d', titel: 'y' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'titel' } });
    expect(validate({ title: 42, duration: '1d' })).toBe(false);
    expect(validate({ title: 'x' })).toBe(false);
    expect(validate({ title: 'x', duration: '1d', fidelity: 'packet' })).toBe(false);
  });

  it('describes fields with units so that an editor can show them', () => {
    const props = (scenarioJsonSchema()['properties'] ?? {}) as Record<string, { description?: string }>;
    expect(props['duration']?.description).toContain('"250ms"');
    expect(props['start']?.description).toContain('UTC unless an offset is given');
  });
});

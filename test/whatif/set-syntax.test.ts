import { describe, expect, it } from 'vitest';
import { loadScenario, readScenarioSource } from '../../src/scenario/index.js';
import { parseAssignment, parsePath, parseValues, resolvePath, SetPathError, SetValueError } from '../../src/whatif/index.js';

const LIME = 'scenarios/lime-stlucia-port25.yaml';
const data = readScenarioSource(LIME).data;
const steps = (path: string): (string | number)[] => resolvePath(data, parsePath(path)).steps;

describe('--set paths', () => {
  it('reach named items by name, in brackets or with dots', () => {
    expect(steps('world.servers[mx.example.com].limits.perIp.limit')).toEqual(['world', 'servers', 2, 'limits', 'perIp', 'limit']);
    expect(steps('world.servers.mx.example.com.limits.perIp.limit')).toEqual(['world', 'servers', 2, 'limits', 'perIp', 'limit']);
    expect(steps('world.isps[lime].firewall.rules[block-25].action')).toEqual(['world', 'isps', 0, 'firewall', 'rules', 1, 'action']);
    expect(steps('world.clientGroups.zombies.zombies.share')).toEqual(['world', 'clientGroups', 4, 'zombies', 'share']);
    expect(steps('changes[block].at')).toEqual(['changes', 0, 'at']);
  });

  it('reach mapping keys with dots, and unnamed lists by index', () => {
    expect(steps('world.dns.mx.example.com')).toEqual(['world', 'dns', 'mx', 'example.com']);
    expect(steps('world.dns.mx[example.com][0]')).toEqual(['world', 'dns', 'mx', 'example.com', 0]);
    expect(steps('sources[0].url')).toEqual(['sources', 0, 'url']);
  });

  it('create keys the scenario does not have yet', () => {
    expect(resolvePath(data, parsePath('world.servers[smtp.esp.example].limits.perIp.limit'))).toEqual({ steps: ['world', 'servers', 1, 'limits', 'perIp', 'limit'], created: 3 });
  });

  it('say where a path goes wrong, with the closest name', () => {
    const wrong = (path: string): string => {
      try {
        resolvePath(data, parsePath(path));
      } catch (e) {
        expect(e).toBeInstanceOf(SetPathError);
        return (e as Error).message;
      }
      throw new Error(`no error for ${path}`);
    };
    expect(wrong('world.servers[mx.exmple.com].limits')).toBe("world.servers[mx.exmple.com].limits: world.servers has no item named 'mx.exmple.com' — did you mean 'mx.example.com'?");
    expect(wrong('world.clientGroups.zombie.count')).toContain("did you mean 'zombies'?");
    expect(wrong('world.isps[nobody].firewall')).toContain('its items: lime, hosting');
    expect(wrong('world.severs[mx.example.com].limits')).toContain("world has no 'severs' — did you mean 'servers'?");
    expect(wrong('sources[3].url')).toContain('sources has 1 item, so no [3]');
    expect(wrong('title.text')).toContain('title is the text');
    expect(() => parsePath('world..isps')).toThrow(/two dots in a row/);
    expect(() => parsePath('world.isps[lime')).toThrow(/never closed/);
  });
});

describe('--set values', () => {
  const values = (text: string): unknown[] => parseValues(text).map((v) => v.value);

  it('read lists of YAML values, commas inside braces staying inside', () => {
    expect(values('10/day,20/day')).toEqual(['10/day', '20/day']);
    expect(values('drop, {type: reject, with: tcp-reset}, {type: redirect, to: smtp.lime.example}')).toEqual([
      'drop',
      { type: 'reject', with: 'tcp-reset' },
      { type: 'redirect', to: 'smtp.lime.example' },
    ]);
    expect(values('true,08:00,12')).toEqual([true, '08:00', 12]);
  });

  it('expand ranges, with or without a unit, without rounding noise', () => {
    expect(values('10..100 step 10')).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(values('10/day..30/day step 10/day')).toEqual(['10/day', '20/day', '30/day']);
    expect(values('5%..15% step 5')).toEqual(['5%', '10%', '15%']);
    expect(values('0.1..0.5 step 0.1')).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(values('1,2..4,10')).toEqual([1, 2, 3, 4, 10]);
    expect(values('10..1 step -3')).toEqual([10, 7, 4, 1]);
    expect(values('1..10 step 4')).toEqual([1, 5, 9]);
  });

  it('refuse what cannot be read', () => {
    expect(() => parseValues('')).toThrow(SetValueError);
    expect(() => parseValues('1,,2')).toThrow(/empty value/);
    expect(() => parseValues('1h..2d step 1h')).toThrow(/mixes units/);
    expect(() => parseValues('10..1 step 1')).toThrow(/never reaches/);
    expect(() => parseValues('1..2 step 0')).toThrow(/step of 0/);
    expect(() => parseValues('1..1000000')).toThrow(/at most/);
    expect(() => parseValues('{type: reject')).toThrow(SetValueError);
  });

  it('split an assignment at its first =', () => {
    const a = parseAssignment('world.clientGroups[zombies].count=5..15 step 5');
    expect(a.path).toBe('world.clientGroups[zombies].count');
    expect(a.values.map((v) => v.text)).toEqual(['5', '10', '15']);
  });
});

describe('the scenario data', () => {
  it('is left as it was by resolving and loading', () => {
    const before = JSON.stringify(loadScenario(LIME).scenario);
    steps('world.servers[mx.example.com].limits.perIp.limit');
    expect(JSON.stringify(loadScenario(LIME).scenario)).toBe(before);
  });
});

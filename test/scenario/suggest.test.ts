import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/scenario/index.js';

describe('edit distance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['title', 'titel', 1], // a transposition counts once
    ['kitten', 'sitting', 3],
    ['smtp.lime.exmple', 'smtp.lime.example', 1],
    ['rst', 'reset', 2],
  ])('%s → %s is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('did you mean', () => {
  it('suggests the closest name when it is close enough', () => {
    expect(closest('titel', ['title', 'tags', 'description'])).toBe('title');
    expect(closest('ISPS', ['isps', 'dns'])).toBe('isps');
    expect(didYouMean('levle', ['level'])).toBe(" — did you mean 'level'?");
  });

  it('stays quiet when nothing is close', () => {
    expect(closest('colour', ['title', 'duration'])).toBeUndefined();
    expect(closest('a', ['b'])).toBe('b'); // one edit in a short name is still a plausible slip
    expect(closest('ab', ['xy'])).toBeUndefined();
    expect(didYouMean('zzz', [])).toBe('');
  });

  it('prefers the first of equally close names, so suggestions are stable', () => {
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWTH, tuneHeap } from '../../src/cli/heap.js';

describe('the heap of a run', () => {
  it('grows by half at a time, unless node was told otherwise', () => {
    const set: string[] = [];
    tuneHeap([], (f) => set.push(f));
    tuneHeap(['--max-old-space-size=2048'], (f) => set.push(f));
    tuneHeap(['--heap-growing-percent=10'], (f) => set.push(f));
    expect(set).toEqual(['--heap-growing-percent=50', '--heap-growing-percent=50']);
  });

  it('is tuned by a flag this node knows (an unknown one would print an error on every command)', () => {
    const r = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(HEAP_GROWTH)}); console.log('set')`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('set\n');
  });
});

// Lint rules for portsim. Beyond the usual TypeScript checks, two project rules live here:
// runs must be deterministic (no Math.random or wall clock outside the CLI, the UI and the
// benchmarks), and folders depend on each other one way only (see DESIGN.md).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nondeterminism = {
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Draw from a named RandomStreams stream: runs must be deterministic.' },
    { object: 'Date', property: 'now', message: 'No wall clock in a run: use the simulation clock.' },
    { object: 'performance', property: 'now', message: 'No wall clock in a run: use the simulation clock.' },
    { object: 'process', property: 'hrtime', message: 'No wall clock in a run: use the simulation clock.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'No wall clock in a run: `new Date()` reads it. Pass the scenario start date instead.',
    },
  ],
};

// Which project folders each folder may import (DESIGN.md, "The shape").
const LAYERS = {
  engine: [],
  net: ['engine'],
  firewall: ['engine', 'net'],
  mail: ['engine', 'net'],
  vpn: ['engine', 'net'],
  workload: ['engine', 'net', 'firewall', 'mail', 'vpn'],
  scenario: ['engine'],
  trace: ['engine'],
  metrics: ['engine'],
  world: ['engine', 'net', 'firewall', 'mail', 'vpn', 'workload', 'scenario'],
  run: ['engine', 'net', 'firewall', 'mail', 'vpn', 'workload', 'scenario', 'world', 'trace', 'metrics'],
  export: ['engine', 'trace', 'metrics', 'scenario'],
  // What-if analysis runs scenarios (run), reads their reports (metrics) and writes its rows
  // with the export layer's file helpers; it never reaches into the models or the world.
  whatif: ['engine', 'trace', 'metrics', 'scenario', 'run', 'export'],
  tui: ['engine', 'trace', 'metrics', 'scenario'],
};
const ALL = Object.keys(LAYERS);

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  files: [`src/${layer}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: ALL.filter((other) => other !== layer && !allowed.includes(other)).map((other) => ({
          group: [`../${other}`, `../${other}/*`, `../../${other}`, `../../${other}/*`],
          message: `src/${layer} may not import src/${other} (DESIGN.md: dependencies point one way).`,
        })).concat(
          allowed.map((other) => ({
            group: [`../${other}/*`, `!../${other}/index.js`],
            message: `Import src/${other} through its index.ts, not its insides.`,
          })),
        ),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  { files: ['src/**/*.{ts,tsx}'], ignores: ['src/cli/**', 'src/tui/**'], rules: nondeterminism },
  ...layerRules,
);

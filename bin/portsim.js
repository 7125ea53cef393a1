#!/usr/bin/env node
// The installed entry point: the compiled command line lives in dist/.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

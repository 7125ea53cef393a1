#!/usr/bin/env node
// The installed entry point: the compiled command line lives in dist/.
import module from 'node:module';

// Node 22.1 and later can keep the compiled code of portsim and its libraries between runs,
// in the system's temporary folder: it saves about half of the replay's start. Node 20 has no
// such cache, and the line does nothing there.
module.enableCompileCache?.();
const { main } = await import('../dist/src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));

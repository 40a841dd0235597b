#!/usr/bin/env node
// The rxspec command: runs the TypeScript sources through tsx, so there is no
// build step to forget and traces and docs always come from the code as it is.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

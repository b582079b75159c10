#!/usr/bin/env node
// The `botmap` command (package.json "bin"): runs scripts/cli.ts through tsx, from any folder.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../scripts/cli.ts');
process.exit(await main(process.argv.slice(2)));

#!/usr/bin/env node
// The `botmap` command (package.json "bin"): runs scripts/cli.ts compiled (see ./compiled.js), or
// through tsx when it cannot be compiled, from any folder.
import { compiled } from './compiled.js';

const bundle = await compiled('scripts/cli.ts');
let cli;
if (bundle !== null) {
  cli = await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../scripts/cli.ts');
}
process.exit(await cli.main(process.argv.slice(2)));

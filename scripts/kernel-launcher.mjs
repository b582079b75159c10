// The TypeScript kernel Jupyter starts for BotMap's notebooks. Kernel registrations are
// machine-wide, so scripts/setup.sh copies this file into the kernel's own folder and registers
// it: it belongs to no checkout. Jupyter starts a kernel in the notebook's folder; from there
// this finds the BotMap checkout (the nearest package.json named "botmap"), rebuilds that
// checkout's compiled BotMap when src/ is newer (notebooks/lib), and runs that checkout's tslab.
// Two clones thus each get their own tslab and BotMap, and deleting one breaks no other.
//
//   node kernel-launcher.mjs kernel --config-path <connection file> [--js]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The nearest folder at or above `start` whose package.json is named "botmap", or null. */
export function findCheckout(start) {
  let dir = path.resolve(start);
  for (;;) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'botmap') return dir;
    } catch {
      // No package.json here, or not one we can read: keep looking upwards.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** What went wrong, for a person reading Jupyter's log; null when `checkout` can start a kernel. */
export function checkoutProblem(checkout, start) {
  if (!checkout) {
    return `BotMap's TypeScript kernel starts in a BotMap checkout, and ${path.resolve(start)} is in none (no package.json named "botmap" at or above it). Open the notebook from a BotMap checkout's notebooks/ folder.`;
  }
  if (!fs.existsSync(path.join(checkout, 'node_modules', 'tslab', 'dist', 'main.js'))) {
    return `The BotMap checkout ${checkout} has no tslab: run \`npm install\` there.`;
  }
  return null;
}

function parseArguments(argv) {
  const configAt = argv.indexOf('--config-path');
  return { configPath: configAt >= 0 ? argv[configAt + 1] : '', jsKernel: argv.includes('--js') };
}

async function launch() {
  const start = process.cwd();
  const checkout = findCheckout(start);
  const problem = checkoutProblem(checkout, start);
  if (problem) {
    console.error(`botmap kernel: ${problem}`);
    process.exit(1);
  }
  const builder = path.join(checkout, 'scripts', 'notebook-lib.mjs');
  // A checkout from before the compiled notebook library has no builder: its notebooks compile src/.
  if (fs.existsSync(builder)) {
    try {
      const { ensureNotebookLib } = await import(pathToFileURL(builder).href);
      await ensureNotebookLib(checkout);
    } catch (error) {
      // The kernel still starts, so the notebook shows the import's failure in a cell.
      console.error(`botmap kernel: could not compile BotMap for the notebooks: ${error.message ?? error}`);
    }
  }
  const { startKernel } = createRequire(path.join(checkout, 'package.json'))('tslab/dist/main.js');
  startKernel({ ...parseArguments(process.argv.slice(2)), enableFindLocal: false });
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) await launch();

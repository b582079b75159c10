// BotMap compiled for the notebooks: notebooks/lib/index.js (one CommonJS bundle of src/, built
// by esbuild; npm packages stay requires) and notebooks/lib/index.d.ts with the declarations of
// src/ beside it (tsc). tslab then only reads declarations and requires the JavaScript, as it does
// for Arquero and Plot, instead of compiling every file of src/ in a cold kernel (6–17 s).
// Plain JavaScript, so the kernel launcher can run it before tslab starts, without tsx.
//
//   node scripts/notebook-lib.mjs          rebuild when a file of src/ is newer than the build
//   node scripts/notebook-lib.mjs --force  rebuild
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Written last: its time is the build's, and its absence means no complete build. */
const STAMP = '.built';

export function notebookLibFolder(root = HERE_ROOT) {
  return path.join(root, 'notebooks', 'lib');
}

function newestMtime(folder) {
  let newest = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when there is no complete build, or a file of src/ (or this builder) changed after it. */
export function notebookLibIsStale(root = HERE_ROOT) {
  let built;
  try {
    built = fs.statSync(path.join(notebookLibFolder(root), STAMP)).mtimeMs;
  } catch {
    return true;
  }
  const builder = fs.statSync(path.join(root, 'scripts', 'notebook-lib.mjs')).mtimeMs;
  return Math.max(newestMtime(path.join(root, 'src')), builder) > built;
}

function emitDeclarations(root, outDir) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // The project's own options (tsconfig.json), for src/ alone.
  const options = ['--declaration', '--emitDeclarationOnly', '--noEmit', 'false', '--skipLibCheck', '--strict',
    '--target', 'ES2022', '--module', 'ESNext', '--moduleResolution', 'bundler', '--esModuleInterop',
    '--resolveJsonModule', '--isolatedModules', '--types', 'node', '--lib', 'ES2022'];
  const result = spawnSync(process.execPath, [tsc, ...options, '--rootDir', path.join(root, 'src'), '--outDir', outDir,
    path.join(root, 'src', 'index.ts')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc could not write BotMap's declarations:\n${result.stdout}${result.stderr}`);
}

async function bundle(root, outDir) {
  const esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'index.ts')],
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  // package.json says "type": "module"; this folder's JavaScript is CommonJS, as tslab requires it.
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
}

/**
 * Builds notebooks/lib in a folder of its own, then swaps it in whole, so a kernel starting
 * meanwhile sees the old build or the new one, never half of one. Returns the seconds it took.
 */
export async function buildNotebookLib(root = HERE_ROOT) {
  const started = Date.now();
  const target = notebookLibFolder(root);
  const temp = `${target}.${process.pid}.tmp`;
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    await bundle(root, temp);
    emitDeclarations(root, temp);
    fs.writeFileSync(path.join(temp, STAMP), `${new Date().toISOString()}\n`);
    const old = `${target}.${process.pid}.old`;
    if (fs.existsSync(target)) fs.renameSync(target, old);
    try {
      fs.renameSync(temp, target);
    } catch (error) {
      // Another kernel swapped its build in between: it is as new as ours.
      if (!fs.existsSync(path.join(target, STAMP))) throw error;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return (Date.now() - started) / 1000;
}

/** Rebuilds when stale; says whether it did. */
export async function ensureNotebookLib(root = HERE_ROOT) {
  if (!notebookLibIsStale(root)) return false;
  await buildNotebookLib(root);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  const force = process.argv.includes('--force');
  if (force || notebookLibIsStale()) {
    const seconds = await buildNotebookLib();
    console.log(`botmap: compiled BotMap for the notebooks into notebooks/lib in ${seconds.toFixed(1)} s`);
  }
}

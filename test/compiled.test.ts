import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiled } from '../bin/compiled.js';
import { checkoutProblem, findCheckout } from '../scripts/kernel-launcher.mjs';
import { notebookLibFolder, notebookLibIsStale } from '../scripts/notebook-lib.mjs';

const ROOT = path.resolve(__dirname, '..');

describe('compiled', () => {
  it('bundles an entry point into .cache/compiled and rebuilds it once a source is newer', async () => {
    const bundle = await compiled('scripts/cli.ts');
    expect(bundle).toBe(path.join(ROOT, '.cache', 'compiled', 'scripts', 'cli.mjs'));
    const text = fs.readFileSync(bundle!, 'utf8');
    // src/ is inside the bundle; npm packages stay imports.
    expect(text).toMatch(/function loadPaths\(/);
    expect(text).toMatch(/from "@observablehq\/plot"|from "arquero"/);
    // The entry's import.meta.url is its source file's, so it finds the project folder as under tsx.
    expect(text).not.toMatch(/import\.meta\.url/);
    expect(text).toContain(JSON.stringify(`file://${path.join(ROOT, 'scripts', 'cli.ts')}`));

    fs.utimesSync(bundle!, new Date(0), new Date(0));
    expect(await compiled('scripts/cli.ts')).toBe(bundle);
    expect(fs.statSync(bundle!).mtimeMs).toBeGreaterThan(Date.now() - 60_000);

    const again = fs.statSync(bundle!).mtimeMs;
    await compiled('scripts/cli.ts');
    expect(fs.statSync(bundle!).mtimeMs).toBe(again);
  });

  it('says null when the entry cannot be built, so callers fall back to tsx', async () => {
    expect(await compiled('scripts/no-such-entry.ts')).toBeNull();
  });
});

describe('the kernel launcher', () => {
  const tree = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-launcher-'));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };

  it('finds the checkout from a notebook folder: the nearest package.json named botmap', () => {
    const dir = tree({
      'clone/package.json': '{"name": "botmap"}',
      'clone/notebooks/lib/package.json': '{ "type": "commonjs" }',
      'clone/notebooks/deeper/x.ipynb': '{}',
      'other/package.json': '{"name": "not-botmap"}',
      'broken/package.json': '{ not json',
    });
    expect(findCheckout(path.join(dir, 'clone', 'notebooks'))).toBe(path.join(dir, 'clone'));
    expect(findCheckout(path.join(dir, 'clone', 'notebooks', 'deeper'))).toBe(path.join(dir, 'clone'));
    expect(findCheckout(path.join(dir, 'clone', 'notebooks', 'lib'))).toBe(path.join(dir, 'clone'));
    expect(findCheckout(path.join(dir, 'other'))).toBeNull();
    expect(findCheckout(path.join(dir, 'broken'))).toBeNull();
    expect(findCheckout(path.join(ROOT, 'notebooks'))).toBe(ROOT);
  });

  it('says plainly why a kernel cannot start: outside a checkout, or a checkout without tslab', () => {
    const dir = tree({ 'clone/package.json': '{"name": "botmap"}' });
    expect(checkoutProblem(null, path.join(dir, 'elsewhere'))).toBe(
      `BotMap's TypeScript kernel starts in a BotMap checkout, and ${path.join(dir, 'elsewhere')} is in none (no package.json named "botmap" at or above it). Open the notebook from a BotMap checkout's notebooks/ folder.`,
    );
    expect(checkoutProblem(path.join(dir, 'clone'), dir)).toBe(`The BotMap checkout ${path.join(dir, 'clone')} has no tslab: run \`npm install\` there.`);
    expect(checkoutProblem(ROOT, path.join(ROOT, 'notebooks'))).toBeNull();
  });
});

describe('BotMap compiled for the notebooks', () => {
  it('is stale without a complete build, and when a file of src/ or the builder is newer than it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-notebook-lib-'));
    const write = (file: string, seconds: number) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), '');
      fs.utimesSync(path.join(dir, file), seconds, seconds);
    };
    write('src/index.ts', 1000);
    write('src/load/deep.ts', 1000);
    write('scripts/notebook-lib.mjs', 1000);
    expect(notebookLibIsStale(dir)).toBe(true);
    write('notebooks/lib/.built', 2000);
    expect(notebookLibFolder(dir)).toBe(path.join(dir, 'notebooks', 'lib'));
    expect(notebookLibIsStale(dir)).toBe(false);
    write('src/load/deep.ts', 3000);
    expect(notebookLibIsStale(dir)).toBe(true);
    write('notebooks/lib/.built', 4000);
    write('scripts/notebook-lib.mjs', 5000);
    expect(notebookLibIsStale(dir)).toBe(true);
  });
});

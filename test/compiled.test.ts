import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiled } from '../bin/compiled.js';

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

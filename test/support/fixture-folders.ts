import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * For one test file: a temporary `root` (removed after its tests) and `folder(files)`, which writes
 * `files` (relative path → content) into a fresh folder under it and returns that folder.
 */
export function fixtureFolders(prefix: string): { root: string; folder: (files: Record<string, string | Uint8Array>) => string } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  const folder = (files: Record<string, string | Uint8Array>): string => {
    const dir = path.join(root, `case${++count}`);
    mkdirSync(dir, { recursive: true });
    for (const [relative, content] of Object.entries(files)) {
      const file = path.join(dir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return dir;
  };
  return { root, folder };
}

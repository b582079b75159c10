import fs from 'node:fs';
import path from 'node:path';

/**
 * The BotMap project folder: the nearest folder at or above the working directory whose
 * package.json is named "botmap". Notebooks run with their own folder as working directory
 * and scripts with the project root, so both find it; `import.meta` is not available in the
 * notebook kernel, which compiles modules to CommonJS.
 */
export function projectRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'botmap') return dir;
      } catch {
        // An unreadable package.json is not ours; keep looking upwards.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

/**
 * A path as BotMap reports it: relative to the project folder when inside it, so reports read
 * the same from a notebook (working folder `notebooks/`) and a script; else absolute.
 */
export function displayPath(file: string): string {
  const relative = path.relative(projectRoot(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

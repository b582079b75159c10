import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * vitest's global setup: the whole run's temporary files go into one fresh folder, removed when
 * the run ends. Tests (and the Jupyter kernels, CLIs and browsers they start) make their
 * temporary folders with `os.tmpdir()`, which follows TMPDIR; test files run in processes
 * started after this, which inherit it.
 */
export default function setup(): () => void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-test-run-'));
  // Shared as /tmp is (sticky, writable by all): a test runs a script as the user nobody from a
  // folder in here, and tsx then writes its cache here too.
  fs.chmodSync(folder, 0o1777);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}

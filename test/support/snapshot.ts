import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';

const OUTPUT = path.join(import.meta.dirname, '..', 'output');

/**
 * Makes an SVG comparable across machines, in the manner of Observable Plot's own snapshot
 * tests: numbers rounded to two decimals, one element per line.
 */
export function normaliseSvg(svg: string): string {
  return svg
    .replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))
    .replace(/>\s*</g, '>\n<')
    .trim()
    .concat('\n');
}

/**
 * Compares an SVG with `test/output/<name>.svg`. A missing snapshot is written (and fails on
 * CI, where it should have been committed); a changed one is written beside it as
 * `<name>-changed.svg` for review, and the test fails.
 */
export function expectSvgSnapshot(name: string, svg: string): void {
  const valid = XMLValidator.validate(svg);
  expect(valid, `SVG ${name} is not well-formed XML: ${JSON.stringify(valid)}`).toBe(true);
  const actual = normaliseSvg(svg);
  const file = path.join(OUTPUT, `${name}.svg`);
  const changed = path.join(OUTPUT, `${name}-changed.svg`);
  if (!fs.existsSync(file)) {
    if (process.env.CI) throw new Error(`Snapshot ${file} is missing: run the tests locally and commit it.`);
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  const expected = fs.readFileSync(file, 'utf8');
  if (actual === expected) {
    fs.rmSync(changed, { force: true });
    return;
  }
  fs.writeFileSync(changed, actual);
  expect(actual, `SVG ${name} differs from its snapshot; see ${changed} (delete ${file} to accept)`).toBe(expected);
}

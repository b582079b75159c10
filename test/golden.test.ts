/**
 * Golden outputs: the whole `botmap` job on the deterministic sample, compared byte for byte with
 * `test/output/golden/`. summary.json is stored with what depends on the day and the machine
 * taken out (the run's time, the databases' age, absolute paths); the CSV tables and the charts'
 * SVG as written. A changed file fails the test and is written beside the golden one as
 * `<name>-changed.<ext>`; delete the golden file to accept the new one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parameters } from '../src/notebook/pipeline';
import { runPipeline } from '../src/notebook/run';

const ROOT = path.resolve(import.meta.dirname, '..');
const GOLDEN = path.join(import.meta.dirname, 'output', 'golden');
let out = '';

/** summary.json without what changes from day to day or machine to machine. */
export function normaliseSummary(summary: Record<string, unknown>, root: string): string {
  const text = JSON.stringify(
    summary,
    (key, value) => {
      if (key === 'generated_at' || key === 'age_days') return undefined;
      if (typeof value === 'string' && value.includes(root)) return value.split(root).join('<root>');
      return value;
    },
    2,
  );
  // A database's age also reaches the warnings as words ("built 7 months ago").
  return `${text.replace(/\d+ (days?|months?|years?) (old|ago|before)/g, '<age>')}\n`;
}

function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  const dot = name.lastIndexOf('.');
  const changed = path.join(GOLDEN, `${name.slice(0, dot)}-changed${name.slice(dot)}`);
  if (!fs.existsSync(file)) {
    if (process.env.CI) throw new Error(`Golden file ${file} is missing: run the tests locally and commit it.`);
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  const expected = fs.readFileSync(file, 'utf8');
  if (actual === expected) {
    fs.rmSync(changed, { force: true });
    return;
  }
  fs.writeFileSync(changed, actual);
  expect(actual === expected, `${name} differs from its golden file; see ${changed} (delete ${file} to accept)`).toBe(true);
}

describe('golden outputs of the botmap job on the sample', () => {
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-golden-'));
    await runPipeline(parameters({ data: ['data/sample'], out, timeZone: 'UTC' }, {}));
  }, 120_000);

  it('summary.json', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expectGolden('summary.json', normaliseSummary(summary, ROOT).split(out).join('<out>'));
  });

  for (const table of ['ips', 'cities', 'countries', 'places', 'asns', 'usernames', 'trusted']) {
    it(`tables/${table}.csv`, () => {
      expectGolden(`${table}.csv`, fs.readFileSync(path.join(out, 'tables', `${table}.csv`), 'utf8'));
    });
  }

  it('every chart as SVG', () => {
    const charts = fs.readdirSync(path.join(out, 'charts')).filter((f) => f.endsWith('.svg')).sort();
    expect(charts).toEqual([
      'countries.svg',
      'hour-weekday.svg',
      'new-attackers.svg',
      'place-1-shanghai.svg',
      'place-2-buenos-aires.svg',
      'timeline.svg',
      'top-asns.svg',
      'top-cities.svg',
      'top-countries.svg',
      'top-places.svg',
      'world-map.svg',
    ]);
    for (const chart of charts) expectGolden(`chart-${chart}`, fs.readFileSync(path.join(out, 'charts', chart), 'utf8'));
  });
});

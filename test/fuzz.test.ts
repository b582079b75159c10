/**
 * Fuzzing in CI: a few thousand cases of `scripts/fuzz.ts`'s properties (every parser, fail2ban
 * databases, loadPaths on files in every container and encoding, the whole pipeline with hostile
 * names), a new random seed each run. BOTMAP_FUZZ_CASES raises the count (the total shared out
 * as `plan` says); BOTMAP_FUZZ_SEED replays a failure. The whole run on random inputs of every
 * format (`run`, about two seconds a case) runs 8 cases of a fixed seed: the same cases every time.
 */
import { describe, expect, it } from 'vitest';
import { GROUPS, plan, runFuzz } from '../scripts/fuzz';

const CASES = Number(process.env.BOTMAP_FUZZ_CASES ?? 3000);
const SEED = process.env.BOTMAP_FUZZ_SEED === undefined ? undefined : Number(process.env.BOTMAP_FUZZ_SEED);
/** The total whose `run` share is 8 cases, and their seed. */
const RUN_TOTAL = 1600;
const RUN_SEED = 16;

describe(`fuzzing (${CASES} cases)`, () => {
  it('shares the cases out between every parser, the databases, loading and the pipeline', () => {
    const items = plan(CASES);
    expect(items.reduce((n, i) => n + i.runs, 0)).toBe(Math.max(CASES, items.length));
    expect(new Set(items.map((i) => i.group))).toEqual(new Set(GROUPS));
    expect(items.every((i) => i.runs >= 1)).toBe(true);
  });

  it.each(GROUPS.filter((g) => g !== 'run'))('%s: no crash, every invariant holds', async (group) => {
    const lines: string[] = [];
    const result = await runFuzz({ cases: CASES, seed: SEED, only: [group], log: (line) => lines.push(line) });
    const failures = result.properties.filter((p) => p.failure).map((p) => `${p.name}: ${p.failure}`);
    expect(failures, `seed ${result.seed}\n${lines.join('\n')}`).toEqual([]);
    expect(result.cases).toBe(plan(CASES, [group]).reduce((n, i) => n + i.runs, 0));
  }, 600_000);

  it('run: 8 whole runs (seed 16) on random valid and half-valid inputs of every format, no crash, every place named', async () => {
    const lines: string[] = [];
    const result = await runFuzz({ cases: RUN_TOTAL, seed: RUN_SEED, only: ['run'], log: (line) => lines.push(line) });
    expect(result.properties.map((p) => [p.name, p.cases, p.failure ?? 'ok']), lines.join('\n')).toEqual([['run', 8, 'ok']]);
  }, 600_000);
});

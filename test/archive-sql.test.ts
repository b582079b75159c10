/**
 * `botmap.sql(archive, query)`: a query of the archive as an Arquero table, in this process and
 * in a real tslab kernel importing BotMap compiled (notebooks/lib, where DuckDB stays an outside
 * module loaded when first used). The sample is generated with a fixed seed, so the counts are exact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelSession } from '../scripts/notebooks';
import { BotMapError, ingestPaths, sql } from '../src/index';
import { openArchive } from '../src/archive/open';
import { UTC } from '../src/time-zone';

const ROOT = path.join(import.meta.dirname, '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
/** Attack events per server and month, as the README shows it. */
const PER_MONTH = `SELECT server, strftime(time, '%Y-%m') AS month, COUNT(*) AS events, MIN(time) AS first
  FROM events WHERE kind IN ('ban', 'found', 'listed', 'failure') AND time IS NOT NULL
  GROUP BY ALL ORDER BY ALL`;

let archive: string;

beforeAll(async () => {
  archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-archive-sql-')), 'archive.duckdb');
  await ingestPaths([path.join(ROOT, 'data', 'sample')], { archive, timeZone: UTC, sshdMode: 'aggressive' });
}, 60_000);

describe('sql', () => {
  it('answers with an Arquero table: counts as numbers, times as Dates', async () => {
    const table = await sql(archive, PER_MONTH);
    // With the 3 bans mail1 lists without a time, the sample's 48,065 attack events.
    expect(table.columnNames()).toStrictEqual(['server', 'month', 'events', 'first']);
    expect(table.numRows()).toBe(3);
    expect(table.objects()).toStrictEqual([
      { server: 'mail1', month: '2026-10', events: 13_909, first: new Date('2026-10-01T00:07:08.042Z') },
      { server: 'web1', month: '2026-09', events: 12_790, first: new Date('2026-09-14T00:02:34.000Z') },
      { server: 'web1', month: '2026-10', events: 21_363, first: new Date('2026-10-01T00:00:55.000Z') },
    ]);
  });

  it('keeps a column BigInt when one of its integers is beyond 2^53, and gives NULL as null', async () => {
    const lines = (await sql(archive, 'SELECT SUM(line) AS lines FROM events')).get('lines', 0);
    // With the lines of the sample's admin's 18 logins (kind accepted), 211,271 together.
    expect(lines).toBe(925_676_890);
    const table = await sql(archive, `SELECT COUNT(*) AS n, SUM(line) * 100000000000 AS large, MAX("user") FILTER (WHERE false) AS nothing, 2 AS x, 3 AS x FROM events`);
    expect(table.objects()).toStrictEqual([{ n: 52_734, large: 92_567_689_000_000_000_000n, nothing: null, x: 2, x_1: 3 }]);
  });

  it('takes values for $1, $2 …', async () => {
    const table = await sql(archive, 'SELECT COUNT(*) AS n FROM events WHERE server = $1 AND kind = $2', { values: ['mail1', 'listed'] });
    expect(table.get('n', 0)).toBe(3);
  });

  it('reads only: a statement that would change the archive fails, with one line naming it', async () => {
    await expect(sql(archive, 'DELETE FROM events')).rejects.toThrow(BotMapError);
    await expect(sql(archive, 'DELETE FROM events')).rejects.toThrow(new RegExp(`^${archive.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the query failed: .*read-only`));
    await expect(sql(archive, 'SELEC 1')).rejects.toThrow(`${archive}: the query failed: `);
    expect((await sql(archive, 'SELECT COUNT(*) AS n FROM events')).get('n', 0)).toBe(52_734);
  });

  it('waits while another BotMap writes the archive, then fails as the other readers do', async () => {
    const held = await openArchive(archive, { mode: 'write' });
    try {
      await expect(sql(archive, 'SELECT 1', { waitMs: 200 })).rejects.toThrow(
        new BotMapError(`${archive}: another BotMap (this process) is writing this archive; waited 0 s: try again when it has finished.`),
      );
    } finally {
      held.close();
    }
    await expect(sql(path.join(archive, '..', 'missing.duckdb'), 'SELECT 1')).rejects.toThrow('missing.duckdb: no such archive');
  });
});

describe('sql and an archive in a tslab kernel', () => {
  it('works in a notebook importing BotMap compiled: DuckDB loads from the kernel; BOTMAP_ARCHIVE reaches the parameters and the analysis', async () => {
    const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BOTMAP_')));
    const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, '01-botmap.ipynb'), 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
    const code = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    const parametersCell = code.find((c) => c.includes('const params = botmap.notebookParameters('))!;
    expect(parametersCell).toContain("const ARCHIVE = '';");
    const cells = [
      code[0],
      `const perMonth = await botmap.sql(${JSON.stringify(archive)}, ${JSON.stringify(PER_MONTH)});
console.log(JSON.stringify({ rows: perMonth.numRows(), events: perMonth.array('events'), first: perMonth.get('first', 0) instanceof Date }));`,
      parametersCell,
      `const analysis = await botmap.analyse(params);
console.log(JSON.stringify({ total: analysis.summary.events.total, inputs: analysis.summary.inputs.map((i) => i.format) }));`,
    ];
    const [imported, queried, parametersRun, analysed] = await kernelSession(NOTEBOOKS, cells, { ...environment, BOTMAP_TZ: 'UTC', BOTMAP_ARCHIVE: archive });
    const text = (result: typeof queried) => result.outputs.map((o) => o.text ?? '').join('');
    expect(imported.error).toBeNull();
    expect(queried.error).toBeNull();
    expect(JSON.parse(text(queried))).toStrictEqual({ rows: 3, events: [13_909, 12_790, 21_363], first: true });
    expect(text(parametersRun)).toContain(`BOTMAP_ARCHIVE overrides ARCHIVE of the parameters cell: "${archive}" instead of null: the run reads this archive in place of DATA.`);
    expect(analysed.error).toBeNull();
    expect(JSON.parse(text(analysed))).toStrictEqual({ total: 52_716, inputs: ['botmap-archive'] });
  }, 240_000);
});

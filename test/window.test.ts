/**
 * The FROM and TO parameters (BOTMAP_FROM, BOTMAP_TO): a run limited to whole days in its zone,
 * the same events as a subset of those days; undated events left out and counted in a note.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, notebookParameters, parameters, type Analysis, type CellParameters } from '../src/notebook/pipeline';
import { subset } from '../src/notebook/subset';
import { drawingParameters } from '../src/charts/charts';
import { dayInstant, isDay } from '../src/notebook/window';

const out = path.join(os.tmpdir(), 'botmap-window');
let whole: Analysis;
let october: Analysis;

describe('FROM and TO', () => {
  beforeAll(async () => {
    whole = await analyse(parameters({ data: ['data/sample'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, {}));
    october = await analyse(parameters({ data: ['data/sample'], out, timeZone: 'UTC', sshdMode: 'aggressive' }, { BOTMAP_FROM: '2026-10-01', BOTMAP_TO: '2026-10-31' }));
  }, 120_000);

  it('analyse the events of those days alone, as the subset of those days does', () => {
    const cut = subset(whole, { from: '2026-10-01', to: '2026-10-31' });
    // Counted apart from BotMap's own filter: 38,259 of the sample's events fall in October (UTC).
    expect(october.events.numRows()).toBe(38_259);
    expect(october.events.numRows()).toBe(cut.events.numRows());
    for (const table of ['ips', 'cities', 'countries', 'asns'] as const) expect(october.aggregates[table].objects(), table).toStrictEqual(cut.aggregates[table].objects());
    expect(october.summary.events).toStrictEqual(cut.summary.events);
    expect(october.summary.window).toStrictEqual({ first_event: '2026-10-01T00:00:55.000Z', last_event: '2026-10-25T23:59:37.182Z', from: '2026-10-01', to: '2026-10-31' });
    expect(whole.summary.window).toStrictEqual({ ...whole.summary.window, from: null, to: null });
  });

  it('say in a note how many events the window kept and which it could not place', () => {
    expect(october.summary.notes).toContain(
      'Window 2026-10-01 to 2026-10-31 (FROM, TO): 38,259 of 52,716 events; 3 events without a time (ban lists, status dumps) are left out.',
    );
    expect(whole.summary.notes.filter((n) => n.startsWith('Window '))).toStrictEqual([]);
  });

  it('take days in the run time zone', () => {
    expect(dayInstant('2026-10-01', 'UTC').toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(dayInstant('2026-10-31', 'UTC', true).toISOString()).toBe('2026-10-31T23:59:59.999Z');
    expect(dayInstant('2026-10-01', 'Asia/Kolkata').toISOString()).toBe('2026-09-30T18:30:00.000Z');
    expect([isDay('2026-02-28'), isDay('2026-02-30'), isDay('2026-1-01'), isDay('yesterday')]).toStrictEqual([true, false, false, false]);
  });

  it('are checked where they are given', () => {
    expect(() => parameters({}, { BOTMAP_FROM: '2026-13-01' })).toThrow('BOTMAP_FROM must be a day written YYYY-MM-DD (2026-10-01), got "2026-13-01".');
    expect(() => parameters({ from: '2026-10-31', to: '2026-10-01' }, {})).toThrow('FROM (2026-10-31) is after TO (2026-10-01).');
    const cell = { DATA: ['data/sample'], MMDB: '', ASN_MMDB: '', OUT: out, THEME: 'dark', TOP: 20, LABELS: 10, ZOOMED: 2, CLUSTER_KM: 100, PROJECTION: 'equal-earth', TIME_ZONE: 'UTC', SPLIT_DATE: '', IPV6_64: false } satisfies CellParameters;
    expect(() => notebookParameters({ ...cell, FROM: 'October' }, {}, () => {})).toThrow('FROM must be a day written YYYY-MM-DD (2026-10-01), got "October".');
    // A parameters cell written before FROM and TO still runs, with no window.
    expect(notebookParameters(cell, {}, () => {})).toMatchObject({ from: null, to: null });
    const said: string[] = [];
    notebookParameters({ ...cell, FROM: '2026-10-01' }, { BOTMAP_FROM: '2026-10-05' }, (line) => said.push(line));
    expect(said).toStrictEqual(['BOTMAP_FROM overrides FROM of the parameters cell: "2026-10-05" instead of "2026-10-01".']);
  });

  it('need the analysis again when changed, like the data', () => {
    expect(() => drawingParameters(october, { from: '2026-10-02' })).toThrow('FROM changed since the analysis was made: run the analysis cell again');
    expect(drawingParameters(october, { from: '2026-10-01', theme: 'light' })).toMatchObject({ from: '2026-10-01', theme: 'light' });
  });
});

/**
 * The user names of an analysis are those its events tried: a filtered analysis
 * (`analysisOfEvents`) counts and charts the names of its own events, not the whole store's.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, analysisOfEvents, parameters, type Analysis } from '../src/notebook/pipeline';
import { distinctUsernames, topUsernames } from '../src/aggregate/usernames';
import { usernamesChart } from '../src/charts/charts';
import { svgText } from '../src/export/files';

let whole: Analysis;

const subtitleCount = (analysis: Analysis) => /([\d,]+) distinct user names/.exec(svgText(usernamesChart(analysis)))?.[1];

describe('user names of a filtered analysis', () => {
  beforeAll(async () => {
    whole = await analyse(parameters({ data: ['data/sample'], out: path.join(os.tmpdir(), 'botmap-usernames'), timeZone: 'UTC' }, {}));
  }, 120_000);

  it('counts the names of the whole sample', () => {
    expect(distinctUsernames(whole)).toBe(338);
    expect(subtitleCount(whole)).toBe('338');
  });

  it('counts none on a server whose logs carry no user names', () => {
    const web1 = analysisOfEvents(whole, whole.events.filter((d: any) => d.server === 'web1'));
    expect(distinctUsernames(web1)).toBe(0);
    expect(topUsernames(web1)).toEqual([]);
    expect(subtitleCount(web1)).toBe('0');
  });

  it('counts only the names tried in a time window of one server', () => {
    const split = Date.UTC(2026, 9, 10);
    const early = analysisOfEvents(whole, whole.events.params({ split }).filter((d: any, $: any) => d.server === 'mail1' && d.time != null && +d.time < $.split));
    expect(distinctUsernames(early)).toBe(310);
    expect(subtitleCount(early)).toBe('310');
  });
});

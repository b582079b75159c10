/**
 * Hostile input: user names, jail names, a server folder name, a file name and city names
 * written by an attacker (markup, event handlers, spreadsheet formulas, ANSI escapes, invalid
 * UTF-8, bidi overrides, a 10,000-character name) go through the whole of `npm start`. Every
 * output file is checked: no markup from the input in HTML, SVG or notebook outputs, valid XML,
 * no raw control character, no formula cell in a CSV; every name is still there to read, escaped;
 * and index.html, the notebooks' HTML and every SVG open in Chromium without running a script.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotebooks } from '../scripts/notebooks';
import { csvCell } from '../src/export/files';
import { escapeHtml, isPrintable, printable } from '../src/html';
import { launchChromium, visit } from './support/browser';
import { checkCsv, checkHtml, checkOutputFolder, checkSvg, csvCells, htmlText, isFormulaCell, listFiles, svgText } from './support/output-checks';

const ROOT = path.join(import.meta.dirname, '..');

/** Sets `window.__botmap_pwned` if it ever runs: the canary `visit` reads. */
const CANARY = `<img src=x onerror="window.__botmap_pwned=1">`;

/** User names as an attacker types them at the ssh login prompt. */
const USERS: { name: string; bytes?: Buffer; shown: string }[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("http://x")',
  '\x1b[31mred\x1b[0m',
  `L${'x'.repeat(9998)}L`,
  CANARY,
  '<svg onload="window.__botmap_pwned=1">',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd',
  '-2+3+cmd',
  'javascript:alert(1)',
  '\u202eevil\u202c',
  '\tx',
  '</td></tr></table><script>window.__botmap_pwned=1</script>',
  "' onmouseover='window.__botmap_pwned=1",
  '&lt;b&gt;entity&amp;',
].map((name) => ({ name, shown: printable(name) }));
// Invalid UTF-8: bytes 0xFF 0xFE are no character; they read as U+FFFD.
USERS.push({ name: 'ro\xff\xfeot', bytes: Buffer.from([0x72, 0x6f, 0xff, 0xfe, 0x6f, 0x74]), shown: 'ro\ufffd\ufffdot' });

const JAILS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', CANARY, '=cmd|calc', 'ssh\x1b[2Jd'];
const CITIES = ['<script>window.__botmap_pwned=1</script>', '=HYPERLINK("http://x")', CANARY.replace(/"/g, ''), '-Town'];
/** A folder name: Linux allows anything but `/` and NUL. */
const SERVER = CANARY;
/** Addresses of the sample data that the packaged database places in cities. */
const IPS = ['27.74.209.148', '154.84.183.157', '201.56.213.198', '1.92.49.252', '195.9.230.241', '185.141.106.224', '67.112.25.147', '43.218.32.116', '92.38.154.19', '1.233.2.53', '113.186.248.63', '147.81.79.142', '35.247.160.142'];

function writeHostileData(root: string): void {
  fs.mkdirSync(path.join(root, 'web1'), { recursive: true });
  const lines: Buffer[] = [];
  USERS.forEach((user, i) => {
    const name = user.bytes ?? Buffer.from(user.name);
    for (let k = 0; k <= i % 3; k++) {
      const ip = IPS[(i + k) % IPS.length];
      lines.push(Buffer.concat([Buffer.from(`Oct  ${1 + (i % 9)} 12:0${k}:${String(i).padStart(2, '0')} web1 sshd[${100 + i}]: Invalid user `), name, Buffer.from(` from ${ip} port 22\n`)]));
    }
  });
  fs.writeFileSync(path.join(root, 'web1', 'auth.log'), Buffer.concat(lines));
  // A rotated log cut short: reported as a failed input, the rest of the run goes on.
  const rotated = gzipSync(Buffer.from(Array.from({ length: 3000 }, (_, i) => `Sep 30 10:00:00 web1 sshd[9]: Invalid user root from ${IPS[i % IPS.length]} port 22\n`).join('')));
  fs.writeFileSync(path.join(root, 'web1', 'auth.log.1.gz'), rotated.subarray(0, Math.floor(rotated.length / 2)));
  const server = path.join(root, SERVER);
  fs.mkdirSync(server, { recursive: true });
  const f2b = JAILS.flatMap((jail, i) => [0, 1].map((k) => `2026-10-0${1 + i} 1${k}:00:00,000 fail2ban.actions        [1]: NOTICE  [${jail}] Ban ${IPS[(i * 2 + k) % IPS.length]}`));
  fs.writeFileSync(path.join(server, 'fail2ban.log'), `${f2b.join('\n')}\n`);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const csv = ['ip,city,country,latitude,longitude', ...CITIES.map((city, i) => `${['1.1.1.1', '8.8.8.8', '9.9.9.9', '4.4.4.4'][i]},${quote(city)},${['AU', 'US', 'CH', 'US'][i]},${-33.8 + i * 20},${151.2 - i * 90}`)];
  fs.writeFileSync(path.join(root, 'web1', `${CANARY}.csv`), `${csv.join('\n')}\n`);
}

describe('the text policy', () => {
  it('shows control characters, lone surrogates, XML non-characters and bidi overrides as \\uXXXX, and leaves other text alone', () => {
    expect(printable('\x1b[31mred\x1b[0m')).toBe('\\u001b[31mred\\u001b[0m');
    expect(printable('a\tb\r\nc\u0000\u007f\u0085')).toBe('a\\u0009b\\u000d\\u000ac\\u0000\\u007f\\u0085');
    expect(printable('\u202eevil\u2066')).toBe('\\u202eevil\\u2066');
    expect(printable('x\ud800y\udc00\ufffe')).toBe('x\\ud800y\\udc00\\ufffe');
    for (const same of ['root', 'São Paulo', '東京', 'admin😀', 'ro\ufffdot', '<script>']) expect(printable(same)).toBe(same);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const shown = printable(text);
        expect(isPrintable(shown)).toBe(true);
        expect(printable(shown)).toBe(shown);
        // XML 1.0 accepts every character that is left.
        expect(checkSvg(`<svg xmlns="http://www.w3.org/2000/svg"><text>${escapeHtml(text)}</text></svg>`, 't.svg')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes markup, and every CSV cell a spreadsheet would run gets an apostrophe', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
        expect(htmlText(`<p title="${escapeHtml(text)}">${escapeHtml(text)}</p>`)).toBe(printable(text));
        expect(isFormulaCell(csvCell(text))).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(csvCell(-58.38)).toBe('-58.38');
    expect(isFormulaCell('-58.38')).toBe(false);
    expect(isFormulaCell('-1e-7')).toBe(false);
    expect(csvCell('-58.38')).toBe("'-58.38");
    expect(isFormulaCell('-2+3')).toBe(true);
  });

  it('the output checks catch what they look for', () => {
    expect(checkHtml(`<p>${CANARY}</p>`, 'a.html').map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/event handler onerror/), expect.stringMatching(/unsafe URL src="x"/)]));
    expect(checkHtml('<script>alert(1)</script>', 'a.html')[0].problem).toBe('<script> element');
    expect(checkHtml('<a href=" javascript:alert(1)">x</a>', 'a.html').length).toBeGreaterThan(0);
    expect(checkSvg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'a.svg')[0].problem).toBe('<script> element');
    expect(checkSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a < b</text></svg>', 'a.svg')[0].problem).toMatch(/not well-formed/);
    expect(checkSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>\x1b[31m</text></svg>', 'a.svg')[0].problem).toMatch(/U\+001b is not allowed/);
    expect(checkCsv('a,b\n=1+1,2\n', 'a.csv')[0].problem).toMatch(/formula cell/);
    expect(checkCsv('lat,lon\n-58.3,-34.6\n', 'a.csv')).toEqual([]);
  });
});

describe('npm start on hostile input', () => {
  let work: string;
  let data: string;
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  let browser: Browser;
  const notebooks = listNotebooks(path.join(ROOT, 'notebooks')).map((f) => path.basename(f, '.ipynb'));
  const read = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');
  /** What a reader sees in every HTML page and SVG of the run, by file. */
  const visible = new Map<string, string>();
  /** The data folder and a file beside it, before the run: a run changes nothing outside its output folder. */
  let before: string[] = [];
  const outside = () =>
    listFiles(work)
      .filter((f) => !f.startsWith(`output${path.sep}`))
      .map((f) => {
        const info = fs.lstatSync(path.join(work, f));
        return `${f} ${info.size} ${info.mtimeMs}`;
      });

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-hostile-'));
    data = path.join(work, 'data');
    out = path.join(work, 'output');
    writeHostileData(data);
    fs.writeFileSync(path.join(work, 'beside-output.txt'), 'not BotMap\'s');
    before = outside();
    run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, BOTMAP_DATA: data, BOTMAP_OUT: out, INIT_CWD: ROOT },
      encoding: 'utf8',
      timeout: 900_000,
    });
    if (run.status === 0) {
      for (const rel of listFiles(out)) {
        if (rel.endsWith('.html')) visible.set(rel, htmlText(read(rel)));
        else if (rel.endsWith('.svg')) visible.set(rel, svgText(read(rel)));
      }
    }
    browser = await launchChromium();
  }, 960_000);

  afterAll(async () => {
    await browser?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const seenIn = (text: string) => [...visible].filter(([, shown]) => shown.includes(text)).map(([file]) => file);

  it('runs to the end, saying which input could not be read completely', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const name of notebooks) expect(run.stdout).toMatch(new RegExp(`${name}\\.ipynb … done in`));
    expect(run.stdout).toMatch(/warning: .*auth\.log\.1\.gz: could not be read past line \d+: the compressed data ends early/);
    const summary = JSON.parse(read('summary.json'));
    expect(summary.failed_inputs).toEqual([{ file: expect.stringMatching(/auth\.log\.1\.gz$/), error: expect.stringMatching(/truncated/) }]);
    expect(htmlText(read('index.html'))).toMatch(/1 of 4 input file\(s\) could not be read completely/);
    // No raw control character reaches the terminal either.
    expect(String(run.stdout).replace(/\r\x1b\[2K/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('changes nothing outside the output folder: the inputs and the file beside the output are as they were', () => {
    expect(outside()).toEqual(before);
  });

  it('every output file is free of markup from the input, valid, and formula-free', () => {
    const { files, findings } = checkOutputFolder(out);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'summary.json', 'tables/usernames.csv', 'tables/ips.csv', 'tables/cities.csv', 'charts/timeline.svg', 'charts/world-map.svg']));
    for (const name of notebooks) expect(files).toEqual(expect.arrayContaining([`notebooks/${name}.html`, `notebooks/${name}.ipynb`]));
    expect(findings).toEqual([]);
    // No script at all in the pages, not even nbconvert's own, but map.html's program and data
    // (`isMapPageScript`, above); and a policy that forbids any other.
    expect(files).toContain('map.html');
    expect(read('map.html').match(/<script[^>]*>/g)).toEqual(['<script type="application/gzip" id="botmap-data">', '<script>']);
    for (const file of files.filter((f) => f.endsWith('.html'))) {
      if (file !== 'map.html') expect(read(file), file).not.toMatch(/<script/i);
      expect(read(file), file).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    }
    // No raw control character (ESC of an ANSI sequence, say) in any text file.
    for (const file of files.filter((f) => !f.endsWith('.png'))) expect(read(file), file).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  });

  it('every user name is still there to read, escaped: in the user-name notebook, its chart and usernames.csv', () => {
    const csv = csvCells(read('tables/usernames.csv'));
    expect(csv[0]).toEqual(['user', 'attempts', 'ips', 'countries']);
    const cells = new Set(csv.slice(1).map((row) => row[0]));
    for (const user of USERS) {
      expect(cells.has(csvCell(user.shown)), `usernames.csv: ${user.shown.slice(0, 40)}`).toBe(true);
      expect(seenIn(user.shown), user.shown.slice(0, 40)).toContain('notebooks/05-usernames.html');
    }
    // Formulas are kept as text, behind an apostrophe.
    expect(cells).toContain(`'=HYPERLINK("http://x")`);
    expect(cells).toContain("'+cmd|' /C calc'!A0");
    expect(cells).toContain("'-2+3+cmd");
    expect(cells).toContain('\\u0009x'); // the tab shows as \u0009: no formula
    // The 10,000-character name whole, the ANSI escape and the invalid bytes as the policy says.
    expect(cells).toContain(`L${'x'.repeat(9998)}L`);
    expect(cells).toContain('\\u001b[31mred\\u001b[0m');
    expect(cells).toContain('ro\ufffd\ufffdot');
    expect(read('notebooks/05-usernames.html')).toContain(escapeHtml('</td></tr></table><script>window.__botmap_pwned=1</script>'));
  });

  it('jail, server, file and city names are there to read, escaped', () => {
    for (const jail of JAILS) expect(seenIn(printable(jail)), jail).toContain('charts/timeline.svg');
    for (const jail of JAILS) expect(seenIn(printable(jail)), jail).toContain('notebooks/03-over-time.html');
    expect(seenIn(SERVER)).toContain('index.html');
    expect(seenIn(`${CANARY}.csv`)).toContain('index.html');
    const cities = new Set(csvCells(read('tables/cities.csv')).map((row) => row[0]));
    for (const city of CITIES) expect(cities.has(csvCell(city)), city).toBe(true);
    expect(seenIn(CITIES[0])).toEqual(expect.arrayContaining(['charts/top-cities.svg', 'notebooks/01-botmap.html']));
  });

  it('index.html, every notebook page and every SVG open in Chromium without running a script, with and without their security policy', async () => {
    // The canary works: a page that does carry the payload sets it.
    const planted = path.join(work, 'planted.html');
    fs.writeFileSync(planted, `<!doctype html><p>${CANARY}</p>`);
    expect((await visit(browser, planted)).scriptsRan).toBe(true);
    const pages = listFiles(out).filter((f) => f.endsWith('.html') || f.endsWith('.svg'));
    expect(pages.length).toBeGreaterThan(notebooks.length + 5);
    for (const rel of pages) {
      const file = path.join(out, rel);
      const copies = [file];
      if (rel.endsWith('.html')) {
        // The escaping alone must hold: the same page without its Content-Security-Policy.
        const bare = path.join(path.dirname(file), `nocsp-${path.basename(file)}`);
        fs.writeFileSync(bare, read(rel).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
        copies.push(bare);
      }
      for (const page of copies) {
        const result = await visit(browser, page);
        expect(result.dialogs, page).toEqual([]);
        expect(result.scriptsRan, page).toBe(false);
        expect(result.requests.filter((url) => !url.startsWith(`file://${out}/`) && !url.startsWith('data:')), page).toEqual([]);
      }
    }
  }, 300_000);
});

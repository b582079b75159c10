/**
 * `npm run fuzz -- --cases 100000 [--seed N] [--only parsers,db,load,pipeline,run]`: property-based
 * fuzzing (fast-check) of every input parser and of the whole pipeline, with random text and
 * bytes, real lines from the test fixtures and the sample data mutated, and hostile names
 * (markup, formulas, control characters, invalid UTF-8, very long names).
 *
 * - parsers: every FormatParser detects and parses arbitrary lines: never throws, returns a
 *   count or a reason for each line, and emits exactly the events it counts.
 * - db: fail2ban databases built with random (hostile) rows, some with bytes corrupted, read
 *   without throwing; every row accounted for.
 * - load: files of random and mutated lines in every container (plain, .gz, truncated or
 *   corrupted .gz), encoding (UTF-8 with and without BOM, UTF-16 either way, invalid UTF-8) and
 *   line ending, with random line-length and .gz limits and forced formats: `loadPaths` never
 *   throws, `records + sum(skipped) === lines` for every file, errors and warnings name their
 *   file, every name in the store is printable.
 * - pipeline: folders of servers with hostile names, logs with hostile user and jail names and
 *   CSVs with hostile city names → analyse → every chart (`allCharts`) → export: every SVG is
 *   well-formed XML without markup from the input, no CSV cell is a formula, the HTML reports
 *   and index.html carry no markup from the input.
 * - run: the whole run on random valid and half-valid inputs of every format (CSVs of every
 *   shape: any columns in any order, cells empty or wrong, no country, no city; logs, journals,
 *   status dumps, ban lists, fail2ban databases) with random parameters (radii, /64 counting,
 *   labels, zoomed maps, projection, time zone, window): load → aggregate → every chart (the
 *   notebooks' comparison and user-name charts too) → export, with no crash; every place named.
 *
 * `--cases` is the total; it is shared out as parsers 85.25 %, load 10 %, db 2 %, run ½ %,
 * pipeline ¼ % (a pipeline or run case draws every chart, about a second). Exits 1 when any property fails, printing
 * its counterexample and the seed to replay it. `test/fuzz.test.ts` runs a few thousand cases
 * (`BOTMAP_FUZZ_CASES` for more).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import initSqlJs from 'sql.js';
import { allCharts, chartDrawers, compareChart, usernamesChart } from '../src/charts/charts';
import type { Chart } from '../src/charts/frame';
import type { ProjectionName } from '../src/charts/geo';
import { comparePeriods } from '../src/aggregate/compare';
import { BotMapError } from '../src/errors';
import { exportAnalysis, svgText, writeFileAtomic } from '../src/export/files';
import { readFail2banDatabase } from '../src/load/formats/fail2ban-db';
import { NULL_CONTEXT, SETTING_RECORD, type Emit, type LineResult } from '../src/load/formats/parser';
import { SSHD_MODES, type SshdMode } from '../src/load/formats/grammar/sshd-modes';
import { isPrintable } from '../src/html';
import { FORMATS, INPUT_FORMATS, loadPaths, type LoadResult } from '../src/load/load';
import { analyse, parameters, type Analysis } from '../src/notebook/pipeline';
import { asnsHtml, inputsTableHtml, jailsAndServersHtml, placesHtml, usernamesHtml } from '../src/export/report';
import { indexHtml } from '../src/export/site';
import type { InputFormat, InputReport } from '../src/types';
import { UTC } from '../src/time-zone';
import { hasUsernames, topUsernames } from '../src/aggregate/usernames';
import { checkHtml, checkOutputFolder, checkSvg, type Finding } from '../test/support/output-checks';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

// ------------------------------------------------------------------ material

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Real lines: every fixture line, and the first lines of each sample file. */
function realLines(): string[] {
  const lines = new Set<string>();
  for (const file of filesUnder(path.join(ROOT, 'test', 'fixtures', 'formats'))) for (const line of fs.readFileSync(file, 'utf8').split('\n')) lines.add(line);
  for (const file of filesUnder(path.join(ROOT, 'data', 'sample'))) {
    if (/\.(md|ts)$/.test(file) || fs.statSync(file).size > 64 * 1024 * 1024) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(0, 300)) lines.add(line);
  }
  lines.delete('');
  return [...lines];
}

const REAL_LINES = realLines();

/** What attackers put where a name goes. */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  `<img src=x onerror="window.__botmap_pwned=1">`,
  '<svg onload=alert(1)>',
  '</text><script>alert(1)</script>',
  ']]><script>alert(1)</script>',
  '<![CDATA[x]]>',
  '<!--',
  '&amp;&lt;&#0;&#x1b;&bogus;',
  "' onmouseover='alert(1)",
  'javascript:alert(1)',
  '=HYPERLINK("http://x")',
  '=cmd|\' /C calc\'!A0',
  '+1+1',
  '-2+3',
  '@SUM(1)',
  '\t=1',
  '\r=1',
  '\x1b[31mred\x1b[0m',
  '\x1b]0;title\x07',
  '\u0000',
  '\u0008\u000b\u000c',
  '\u007f\u0085\u009b',
  '\u202eevil\u202c',
  '\u2066x\u2069',
  '\ud800',
  '\udc00x',
  '\ufffe\uffff',
  '\ufeff',
  '😀🏴‍☠️',
  'São Paulo',
  '東京',
  '{{7*7}}${7*7}%s%n',
  '\\u001b',
  '"quoted, with comma"',
  'a;b;c',
  '[sshd]',
  ' ',
];

const hostileName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PAYLOADS), fc.string({ maxLength: 6 }), fc.constantFrom(...PAYLOADS)).map(([a, b, c]) => a + b + c) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,11}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 12_000 }).map((n) => `L${'x'.repeat(n)}`) },
);

/** A name usable as one path segment of a folder or file on Linux (no `/`, no NUL, not hidden, ≤ 200 bytes). */
const safeSegment = (text: string, fallback: string) => {
  let s = text.replace(/[/\u0000]/g, '_').replace(/^\.+/, '_');
  while (Buffer.byteLength(s) > 200) s = s.slice(0, -1);
  if (/[\ud800-\udfff]/.test(s)) s = s.replace(/[\ud800-\udfff]/g, '_');
  return s === '' || /^readme/i.test(s) || /\.md$/i.test(s) ? fallback : s;
};

const PUBLIC = ['27.74.209.148', '154.84.183.157', '201.56.213.198', '1.92.49.252', '195.9.230.241', '185.141.106.224', '67.112.25.147', '43.218.32.116', '92.38.154.19', '1.233.2.53', '113.186.248.63', '147.81.79.142', '35.247.160.142', '2a01:4f8:1c1c::1'];
const address = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PUBLIC) },
  { weight: 2, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.constantFrom('10.0.0.1', '::1', '999.1.1.1', '1.2.3', 'fe80::1%eth0', '::ffff:81.2.69.142', '[2001:db8::1]', '192.0.2.0/24', 'mail.example.com', '01.02.03.004') },
);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2027, 0, 1) });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const f2bStamp = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}`;
};
const syslogStamp = (ms: number) => {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Valid lines of every format, with hostile names where names go. */
const templateLine = fc.tuple(fc.integer({ min: 0, max: 12 }), address, hostileName, hostileName, instant, fc.integer({ min: 1, max: 65535 })).map(([kind, ip, name, other, ms, port]) => {
  switch (kind) {
    case 0:
      return `${syslogStamp(ms)} web1 sshd[${port}]: Invalid user ${name} from ${ip} port ${port}`;
    case 1:
      return `${syslogStamp(ms)} web1 sshd[${port}]: Failed password for invalid user ${name} from ${ip} port ${port} ssh2`;
    case 2:
      return `${syslogStamp(ms)} web1 sshd[${port}]: Failed password for ${name} from ${ip} port ${port} ssh2`;
    case 3:
      return `${syslogStamp(ms)} web1 sshd[${port}]: message repeated ${port % 5} times: [ Failed password for ${name} from ${ip} port ${port} ssh2]`;
    case 4:
      return `${f2bStamp(ms)} fail2ban.actions        [${port}]: NOTICE  [${name}] Ban ${ip}`;
    case 5:
      return `${f2bStamp(ms)} fail2ban.filter         [${port}]: INFO    [${name}] Found ${ip} - ${f2bStamp(ms).slice(0, 19)}`;
    case 6:
      return `Status for the jail: ${name}`;
    case 7:
      return `   \`- Banned IP list:\t${ip} ${other} ${ip}`;
    case 8:
      return `${ip},${csvQuote(name)},${other.slice(0, 2)},${(ms % 180) - 90},${(port % 360) - 180}`;
    case 9:
      return JSON.stringify({ __REALTIME_TIMESTAMP: String(ms * 1000), _HOSTNAME: other, SYSLOG_IDENTIFIER: 'sshd', _PID: String(port), MESSAGE: `Invalid user ${name} from ${ip} port ${port}` });
    case 10:
      return `[{'${name.replace(/'/g, '')}': ['${ip}', '${ip}']}]`;
    case 11:
      return `${ip} \t${f2bStamp(ms).slice(0, 19)} + 600 = ${f2bStamp(ms + 600_000).slice(0, 19)}`;
    default:
      return `${syslogStamp(ms)} ${other} fail2ban.actions[${port}]: NOTICE [${name}] Ban ${ip}`;
  }
});

/** A line changed: characters inserted, removed or replaced, or two lines spliced. */
const mutated = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom(...PAYLOADS))), { maxLength: 3 })).map(([line, edits]) => {
    let s = line;
    for (const [a, b, op, text] of edits) {
      const i = a % (s.length + 1);
      const j = Math.min(s.length, i + (b % 12));
      if (op === 0) s = s.slice(0, i) + text + s.slice(i);
      else if (op === 1) s = s.slice(0, i) + s.slice(j);
      else if (op === 2) s = s.slice(0, i) + text + s.slice(j);
      else s = s.slice(0, i) + s.slice(j) + s.slice(i, j);
    }
    return s;
  });

const realLine = fc.constantFrom(...REAL_LINES);
const anyLine = fc.oneof(
  { weight: 3, arbitrary: realLine },
  { weight: 3, arbitrary: mutated(realLine) },
  { weight: 3, arbitrary: templateLine },
  { weight: 2, arbitrary: mutated(templateLine) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.tuple(realLine, templateLine).map(([a, b]) => a.slice(0, a.length >> 1) + b.slice(b.length >> 1)) },
);

// ------------------------------------------------------------------ checks

class FuzzFailure extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) throw new FuzzFailure(message);
}

function checkFindings(findings: Finding[]): void {
  check(findings.length === 0, `output findings: ${JSON.stringify(findings.slice(0, 5))}`);
}

const sumSkipped = (r: InputReport) => Object.values(r.skipped).reduce((a, b) => a + b, 0);

/** The invariants of every load: accounting, events per input, named errors, printable names. */
export function checkLoad(result: LoadResult): void {
  const perInput = new Map<number, number>();
  const { input, time } = result.store.columns();
  for (const i of input) perInput.set(i, (perInput.get(i) ?? 0) + 1);
  result.inputs.forEach((r, i) => {
    check(r.records + sumSkipped(r) === r.lines, `${r.file}: records ${r.records} + skipped ${sumSkipped(r)} !== lines ${r.lines}`);
    check(r.events === (perInput.get(i) ?? 0), `${r.file}: events ${r.events} !== stored ${perInput.get(i) ?? 0}`);
    check(r.events >= r.records, `${r.file}: fewer events than record lines`);
    check(r.error === undefined || (r.error.startsWith(r.file) && r.error.length > r.file.length + 5), `${r.file}: error does not name the file: ${r.error}`);
    for (const w of r.warnings ?? []) check(w.startsWith(r.file), `${r.file}: warning does not name the file: ${w}`);
    check(isPrintable(r.file) && isPrintable(r.server) && (r.error === undefined || isPrintable(r.error)), `${r.file}: unprintable report text`);
    for (const [reason, lines] of Object.entries(r.skipped_examples)) {
      check(isPrintable(reason) && r.skipped[reason] !== undefined, `${r.file}: bad skip reason ${JSON.stringify(reason)}`);
      check(lines.length <= 5 && lines.every((n) => Number.isInteger(n) && n >= 1 && n <= r.lines), `${r.file}: bad example lines for ${reason}: ${lines}`);
    }
  });
  for (const t of time) check(Number.isNaN(t) || (Number.isFinite(t) && Math.abs(t) <= 8.64e15), `a time no date can hold: ${t}`);
  for (const dictionary of [result.store.users, result.store.jails, result.store.servers]) {
    for (const value of dictionary.values) check(isPrintable(value), `unprintable name in the store: ${JSON.stringify(value.slice(0, 40))}`);
  }
  for (const where of result.givenLocations.values()) for (const v of [where.city, where.subdivision, where.country, where.countryName]) check(v === null || isPrintable(v), 'unprintable given location');
}

// ------------------------------------------------------------------ properties

export interface FuzzContext {
  /** Folder for the files cases write; emptied after each case. */
  tmp: string;
}

let caseNo = 0;
function caseDir(ctx: FuzzContext): string {
  const dir = path.join(ctx.tmp, `case${++caseNo}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every parser on arbitrary lines. */
export function parserProperty(format: InputFormat) {
  const parser = FORMATS.find((f) => f.format === format)!;
  return fc.property(fc.array(anyLine, { maxLength: 40 }), fc.option(instant, { nil: null }), fc.constantFrom(...SSHD_MODES), (lines: string[], mtime: number | null, sshdMode: SshdMode) => {
    parser.detect(lines.slice(0, 50));
    // What each line counted, so that a line withdrawn later (a PAM failure sshd's line stands for) is taken back once, and only an earlier record.
    const results: LineResult[] = [];
    const emittedBy: number[] = [];
    let current = 0;
    const withdraw = (line: number, reason: string) => {
      const result = results[line - 1];
      check(line < current && typeof result === 'number' && result > 0, `${format}: withdraw(${line}) at line ${current}, which counted ${JSON.stringify(result)}`);
      check(typeof reason === 'string' && reason.length > 0, 'withdraw: reason');
      counted -= result as number;
      emitted -= emittedBy[line - 1];
      results[line - 1] = reason;
    };
    const state = parser.begin({ ...NULL_CONTEXT, mtime, timeZone: UTC, sshdMode, withdraw });
    let emitted = 0;
    let counted = 0;
    const emit: Emit = (ip, _kind, time, jail, user) => {
      check(typeof ip === 'string', 'emit: ip not a string');
      check(time === null || (Number.isFinite(time) && Math.abs(time) <= 8.64e15), `emit: time ${time}`);
      check(jail === null || typeof jail === 'string', 'emit: jail');
      check(user === undefined || user === null || typeof user === 'string', 'emit: user');
      // As the store does: only addresses are kept.
      if (!/^[0-9a-f.:[\]%a-z]+$/i.test(ip)) return false;
      emitted++;
      emittedBy[current - 1]++;
      return true;
    };
    lines.forEach((line, i) => {
      current = i + 1;
      emittedBy.push(0);
      const result = state.parseLine(line, i + 1, emit);
      results.push(result);
      if (typeof result === 'number') {
        check(Number.isInteger(result) && result >= 0, `parseLine returned ${result}`);
        check(result === emittedBy[i], `${format}: line ${i + 1} counted ${result}, emitted ${emittedBy[i]}`);
        counted += result;
      } else if (result !== SETTING_RECORD) {
        check(typeof result === 'string' && result.length > 0, `parseLine returned ${String(result)}`);
      }
    });
    check(emitted === counted, `${format}: ${emitted} events emitted, ${counted} counted`);
    const report: InputReport = { file: 'f', format, server: 's', lines: lines.length, records: 0, events: 0, duplicates: 0, skipped: {}, skipped_examples: {} };
    state.finish?.(report);
  });
}

const V4_SCHEMA = `
CREATE TABLE fail2banDb(version INTEGER);
CREATE TABLE jails(name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1);
CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL DEFAULT 1, data JSON);
CREATE TABLE bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL DEFAULT 1, data JSON, PRIMARY KEY(ip, jail));
INSERT INTO fail2banDb(version) VALUES (4);`;

let SQL: initSqlJs.SqlJsStatic | null = null;

const dbValue = fc.oneof(hostileName, fc.integer(), fc.double(), fc.constant(null), address);
const matchData = fc.oneof(
  fc.constant(null),
  hostileName,
  fc.record({ matches: fc.array(fc.oneof(templateLine, realLine, fc.array(fc.string(), { maxLength: 3 })), { maxLength: 4 }), failures: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double(), fc.string()) }).map((d) => JSON.stringify(d)),
);
const banRow = fc.tuple(fc.oneof(address, dbValue), fc.oneof(hostileName, dbValue), fc.oneof(instant.map((ms) => Math.floor(ms / 1000)), dbValue), matchData);

type BanRow = [unknown, unknown, unknown, unknown];

/** A fail2ban database (schema 4) holding the rows that fit it, with bytes past its header corrupted. */
async function fail2banDatabase(bans: readonly BanRow[], bips: readonly BanRow[], corruptions: readonly [number, number][]): Promise<Buffer> {
  SQL ??= await initSqlJs();
  const db = new SQL.Database();
  db.run(V4_SCHEMA);
  const insert = (table: string, rows: readonly BanRow[]) => {
    const statement = db.prepare(`INSERT OR IGNORE INTO ${table}(ip, jail, timeofban, bantime, data) VALUES (?, ?, ?, 600, ?)`);
    for (const [ip, jail, time, data] of rows) {
      try {
        statement.run([ip, jail ?? 'j', time ?? 0, data] as (string | number | null)[]);
      } catch {
        // NOT NULL and the like: the row is not in the database.
      }
    }
    statement.free();
  };
  insert('bans', bans);
  insert('bips', bips);
  const bytes = Buffer.from(db.export());
  db.close();
  for (const [at, value] of corruptions) bytes[100 + (at % Math.max(1, bytes.length - 100))] = value;
  return bytes;
}

/** fail2ban databases with random rows, some with bytes corrupted. */
export function databaseProperty(ctx: FuzzContext): fc.IAsyncPropertyWithHooks<[BanRow[], BanRow[], [number, number][], boolean]> {
  return fc.asyncProperty(fc.array(banRow, { maxLength: 12 }), fc.array(banRow, { maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }), fc.boolean(), async (bans, bips, corruptions, gz) => {
    const bytes = await fail2banDatabase(bans, bips, corruptions);
    const direct = await readFail2banDatabase(bytes, () => true, () => undefined, UTC);
    check(direct === null || typeof direct === 'string', 'readFail2banDatabase returned neither null nor a message');
    const dir = caseDir(ctx);
    fs.writeFileSync(path.join(dir, gz ? 'fail2ban.sqlite3.gz' : 'fail2ban.sqlite3'), gz ? gzipSync(bytes) : bytes);
    const result = await loadPaths([dir], { timeZone: UTC });
    check(result.inputs.length === 1 && result.inputs[0].format === 'fail2ban-db', `read as ${result.inputs[0]?.format}`);
    checkLoad(result);
  });
}

type Container = 'plain' | 'gz' | 'truncated-gz' | 'corrupt-gz' | 'gz-garbage' | 'multi-gz';
type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1' | 'bytes';

const fileSpec = fc.record({
  name: fc.oneof(fc.constantFrom('fail2ban.log', 'auth.log', 'secure', 'attackers.csv', 'status-sshd.txt', 'journal.json', 'banned.txt', 'fail2ban.log.1', 'auth.log-20261001'), hostileName.map((n) => safeSegment(n, 'x.log'))),
  lines: fc.array(anyLine, { maxLength: 30 }),
  newline: fc.constantFrom('\n', '\r\n', '\r', '\n\n'),
  finalNewline: fc.boolean(),
  container: fc.constantFrom<Container>('plain', 'plain', 'plain', 'gz', 'truncated-gz', 'corrupt-gz', 'gz-garbage', 'multi-gz'),
  encoding: fc.constantFrom<Encoding>('utf8', 'utf8', 'utf8', 'utf8-bom', 'utf16le', 'utf16be', 'latin1', 'bytes'),
  noise: fc.uint8Array({ maxLength: 40 }),
  cut: fc.nat(),
});

function encode(text: string, encoding: Encoding, noise: Uint8Array, cut: number): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'latin1':
      return Buffer.from(text, 'latin1');
    default: {
      const bytes = Buffer.from(text, 'utf8');
      const at = cut % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
    }
  }
}

function contain(bytes: Buffer, container: Container, cut: number): Buffer {
  if (container === 'plain') return bytes;
  const gz = gzipSync(bytes);
  if (container === 'gz') return gz;
  if (container === 'truncated-gz') return gz.subarray(0, cut % (gz.length + 1));
  if (container === 'corrupt-gz') {
    const copy = Buffer.from(gz);
    copy[10 + (cut % Math.max(1, copy.length - 10))] ^= 0x5a;
    return copy;
  }
  if (container === 'gz-garbage') return Buffer.concat([gz, Buffer.from('garbage after the gzip member')]);
  return Buffer.concat([gz, gzipSync(bytes.subarray(0, cut % (bytes.length + 1)))]);
}

/** Files of random and mutated lines in every container, encoding and line ending. */
export function loadProperty(ctx: FuzzContext) {
  return fc.asyncProperty(
    fc.array(fileSpec, { minLength: 1, maxLength: 3 }),
    fc.option(fc.constantFrom<InputFormat>(...INPUT_FORMATS), { freq: 5 }),
    fc.option(fc.integer({ min: 1, max: 400 }), { freq: 3 }),
    fc.option(fc.integer({ min: 1, max: 4000 }), { freq: 4 }),
    async (specs, format, maxLineLength, maxGzBytes) => {
      const dir = caseDir(ctx);
      const names = new Set<string>();
      for (const [i, spec] of specs.entries()) {
        let name = spec.container === 'plain' ? spec.name : `${spec.name}.gz`;
        if (names.has(name)) name = `${i}-${name}`;
        names.add(name);
        const text = spec.lines.join(spec.newline) + (spec.finalNewline ? spec.newline : '');
        fs.writeFileSync(path.join(dir, name), contain(encode(text, spec.encoding, spec.noise, spec.cut), spec.container, spec.cut));
      }
      const result = await loadPaths([dir], {
        timeZone: UTC,
        ...(format === null ? {} : { format }),
        ...(maxLineLength === null ? {} : { maxLineLength }),
        ...(maxGzBytes === null ? {} : { maxGzBytes }),
      });
      check(result.inputs.length === specs.length, `${result.inputs.length} reports for ${specs.length} files`);
      checkLoad(result);
    },
  );
}

const serverFolder = fc.record({
  name: hostileName.map((n) => safeSegment(n, 'server')),
  files: fc.array(
    fc.record({
      kind: fc.constantFrom('auth.log', 'fail2ban.log', 'attackers.csv', 'status.txt', 'mixed.log', 'broken.log.gz'),
      lines: fc.array(templateLine, { minLength: 1, maxLength: 25 }),
      extra: fc.array(anyLine, { maxLength: 5 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** The whole pipeline on folders of servers with hostile names, logs and CSVs. */
export function pipelineProperty(ctx: FuzzContext) {
  return fc.asyncProperty(fc.array(serverFolder, { minLength: 1, maxLength: 3 }), fc.constantFrom<'dark' | 'light'>('dark', 'light'), fc.nat(), async (servers, theme, pick) => {
    const dir = caseDir(ctx);
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'out');
    const used = new Set<string>();
    for (const server of servers) {
      let name = server.name;
      while (used.has(name)) name = `${name}_`;
      used.add(name);
      const folder = path.join(data, name);
      fs.mkdirSync(folder, { recursive: true });
      server.files.forEach((file, i) => {
        let text = [...file.lines, ...file.extra].join('\n');
        if (file.kind === 'attackers.csv') text = `ip,city,country,latitude,longitude\n${text}`;
        const bytes = Buffer.from(`${text}\n`);
        const target = path.join(folder, `${i}-${file.kind}`);
        fs.writeFileSync(target, file.kind.endsWith('.gz') ? gzipSync(bytes).subarray(0, 30 + (pick % 60)) : bytes);
      });
    }
    let analysis: Analysis;
    try {
      analysis = await analyse(parameters({ data: [data], out, theme, timeZone: 'UTC' }, {}));
    } catch (error) {
      if (error instanceof BotMapError && error.message.length > 0) return;
      throw error;
    }
    checkLoad(analysis.load);
    const charts = allCharts(analysis);
    for (const [name, chart] of Object.entries(charts)) checkFindings(checkSvg(svgText(chart), `${name}.svg`));
    // Every chart is checked above; a few are written (SVG and PNG) with the tables and the summary.
    const names = Object.keys(charts);
    const written = Object.fromEntries([names[pick % names.length], 'timeline', 'top-cities'].map((n) => [n, charts[n]]));
    const summary = exportAnalysis(analysis, written, out);
    writeFileAtomic(path.join(out, 'index.html'), indexHtml(summary, []));
    checkFindings(checkOutputFolder(out).findings);
    for (const [name, html] of Object.entries({
      inputs: inputsTableHtml(analysis),
      jails: jailsAndServersHtml(analysis),
      users: usernamesHtml(topUsernames(analysis)),
      places: placesHtml(analysis),
      asns: asnsHtml(analysis),
    })) {
      checkFindings(checkHtml(html, `${name}.html`));
    }
    check(summary.failed_inputs.every((f) => f.error.startsWith(f.file)), 'a failed input whose error does not name it');
  });
}

// ------------------------------------------------------------------ the whole run

/** The columns a CSV may carry (see src/load/formats/csv.ts), each with cells valid, empty or not. */
const CSV_CELLS: Record<string, fc.Arbitrary<string>> = {
  ip: address,
  latitude: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x.toFixed(4)), fc.constantFrom('0', '90', '-90', '', '91', 'NaN', 'north', '1e1')),
  longitude: fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }).map((x) => x.toFixed(4)), fc.constantFrom('0', '180', '-180', '', '181', '-Infinity', 'x')),
  city: fc.oneof(fc.constantFrom('', '', 'Berlin', 'Ituzaingó', 'São Paulo', 'Geelong', ' '), hostileName),
  subdivision: fc.oneof(fc.constantFrom('', 'Buenos Aires', 'Victoria'), hostileName),
  country: fc.oneof(fc.constantFrom('', '', 'AR', 'DE', 'AU', 'US', 'XX', 'ar', 'Argentina', 'Z'), hostileName),
  country_name: fc.oneof(fc.constantFrom('', 'Argentina', 'Germany'), hostileName),
  time: fc.oneof(instant.map((ms) => new Date(ms).toISOString()), instant.map((ms) => String(Math.floor(ms / 1000))), instant.map((ms) => f2bStamp(ms).slice(0, 19)), fc.constantFrom('', 'yesterday', '2026-13-40', '-1')),
  jail: fc.oneof(fc.constantFrom('', 'sshd', 'recidive'), hostileName),
  user: fc.oneof(fc.constantFrom('', 'root', 'admin'), hostileName),
  kind: fc.constantFrom('', 'ban', 'Banned', 'failure', 'fail', 'unban', 'restore', 'found', 'listed', 'increase ban', '?'),
  count: fc.constantFrom('', '0', '1', '3', '-2', '2.5', '1e9', 'many'),
};

/** A CSV of any shape BotMap reads: an address column and any others, in any order, any delimiter. */
const csvText = fc
  .tuple(
    fc.shuffledSubarray(Object.keys(CSV_CELLS).filter((c) => c !== 'ip')),
    fc.nat(),
    fc.constantFrom(',', '\t', ';'),
    fc.array(fc.record(CSV_CELLS), { minLength: 1, maxLength: 15 }),
  )
  .map(([others, at, delimiter, rows]) => {
    const columns = [...others.slice(0, at % (others.length + 1)), 'ip', ...others.slice(at % (others.length + 1))];
    const cell = (text: string) => {
      const flat = text.replace(/[\r\n]/g, ' ');
      return flat.includes(delimiter) || flat.includes('"') ? csvQuote(flat) : flat;
    };
    return [columns.join(delimiter), ...rows.map((row) => columns.map((c) => cell((row as Record<string, string>)[c])).join(delimiter))];
  });

/** One input file of the run: valid lines of a format, mutated ones, a CSV, or a fail2ban database. */
const runFile = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('csv' as const), lines: fc.oneof({ weight: 3, arbitrary: csvText }, { weight: 1, arbitrary: fc.tuple(csvText, fc.array(mutated(realLine), { maxLength: 4 })).map(([a, b]) => [...a, ...b]) }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('fail2ban.log' as const, 'auth.log', 'journal.json', 'status.txt', 'banned.txt'), lines: fc.array(fc.oneof({ weight: 4, arbitrary: templateLine }, { weight: 1, arbitrary: mutated(templateLine) }, { weight: 1, arbitrary: realLine }), { minLength: 1, maxLength: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail2ban.sqlite3' as const), bans: fc.array(fc.tuple(address, fc.oneof(fc.constantFrom('sshd', 'recidive'), hostileName), instant.map((ms) => Math.floor(ms / 1000)), matchData), { minLength: 1, maxLength: 10 }), corrupt: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 1 }) }) },
);

/** The parameters of a run that change what is drawn: radii, counting, labels, window, theme. */
const runParameters = fc.record({
  theme: fc.constantFrom<'dark' | 'light'>('dark', 'light'),
  clusterRadiusKm: fc.constantFrom(0, 1, 40, 100, 3000),
  placeNamingKm: fc.constantFrom(0, 10, 40, 400),
  ipv6Prefix64: fc.boolean(),
  labels: fc.constantFrom(0, 1, 10, 40),
  zoomed: fc.constantFrom(0, 1, 3),
  top: fc.constantFrom(1, 5, 20),
  projection: fc.constantFrom<ProjectionName>('equal-earth', 'natural-earth', 'equirectangular'),
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', '+05:30'),
  // A FROM/TO window in one case of four.
  window: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(instant, fc.integer({ min: 0, max: 400 })) }),
});

/**
 * The whole run on random valid and half-valid inputs of every format (CSVs of every shape, logs,
 * journals, status dumps, ban lists, fail2ban databases) with random parameters: load → locate →
 * aggregate → every chart (the notebooks' comparison and user-name charts too) → export. Nothing
 * may throw but a BotMapError that says what is wrong; every line is accounted for; every place
 * and label has a name; outputs carry no markup from the input.
 */
export function runProperty(ctx: FuzzContext) {
  return fc.asyncProperty(fc.array(fc.array(runFile, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }), runParameters, fc.nat(), async (servers, options, pick) => {
    const dir = caseDir(ctx);
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'out');
    for (const [s, files] of servers.entries()) {
      const folder = path.join(data, `server${s}`);
      fs.mkdirSync(folder, { recursive: true });
      for (const [i, file] of files.entries()) {
        const target = path.join(folder, `${i}-${file.kind === 'csv' ? 'points.csv' : file.kind}`);
        if (file.kind === 'fail2ban.sqlite3') fs.writeFileSync(target, await fail2banDatabase(file.bans, [], file.corrupt));
        else fs.writeFileSync(target, `${file.lines.join('\n')}\n`);
      }
    }
    const { window, ...drawing } = options;
    const [from, to] = window === null ? [null, null] : [window[0], window[0] + window[1] * 86_400_000].map((ms) => new Date(ms).toISOString().slice(0, 10));
    let analysis: Analysis;
    try {
      analysis = await analyse(parameters({ data: [data], out, ...drawing, from, to }, {}));
    } catch (error) {
      if (error instanceof BotMapError && error.message.length > 0) return;
      throw error;
    }
    checkLoad(analysis.load);
    for (const place of analysis.aggregates.places) check(typeof place.name === 'string' && place.name.length > 0 && place.cities.length > 0, `a place without a name or cities: ${JSON.stringify(place).slice(0, 300)}`);
    const drawers = chartDrawers(analysis);
    check(new Set(Object.keys(drawers)).size === Object.keys(drawers).length, 'two charts of one name');
    const charts: Record<string, Chart> = {};
    for (const [name, draw] of Object.entries(drawers)) charts[name] = draw();
    if (hasUsernames(analysis)) charts.usernames = usernamesChart(analysis);
    const comparison = comparePeriods(analysis);
    for (const what of ['places', 'networks', 'countries'] as const) {
      const chart = comparison && compareChart(analysis, comparison, what);
      if (chart) charts[`compare-${what}`] = chart;
    }
    for (const [name, chart] of Object.entries(charts)) {
      checkFindings(checkSvg(svgText(chart), `${name}.svg`));
      for (const label of chart.labels) check(Number.isFinite(label.x) && Number.isFinite(label.y) && label.width > 0, `${name}: a label without a place or a width`);
    }
    // Every chart is drawn above; the world map, the first place map and one more are written (SVG and PNG) with the tables.
    const names = Object.keys(charts);
    const written = Object.fromEntries(['world-map', names.find((n) => n.startsWith('place-')) ?? 'top-places', names[pick % names.length]].map((n) => [n, charts[n]]));
    const summary = exportAnalysis(analysis, written, out);
    writeFileAtomic(path.join(out, 'index.html'), indexHtml(summary, []));
    checkFindings(checkOutputFolder(out).findings);
    checkFindings(checkHtml(placesHtml(analysis), 'places.html'));
    check(summary.top_places!.every((p) => p.name.length > 0), 'a place without a name in summary.json');
  });
}

// ------------------------------------------------------------------ runner

export interface FuzzOptions {
  /** Total cases, shared out between the properties. */
  cases: number;
  seed?: number;
  /** Property groups to run: parsers, db, load, pipeline, run (default all). */
  only?: readonly string[];
  log?: (line: string) => void;
}

export interface PropertyResult {
  name: string;
  cases: number;
  seconds: number;
  /** The counterexample and error, when the property failed. */
  failure?: string;
}

export interface FuzzResult {
  seed: number;
  cases: number;
  seconds: number;
  failures: number;
  properties: PropertyResult[];
}

/** The property groups. */
export const GROUPS: readonly string[] = ['parsers', 'db', 'load', 'pipeline', 'run'];

/** How `cases` is shared out: parsers 85.25 % (each format alike), load 10 %, db 2 %, run ½ %, pipeline ¼ % (at least 1 each). */
export function plan(cases: number, only: readonly string[] = GROUPS): { name: string; group: string; runs: number }[] {
  const share = (fraction: number) => Math.max(1, Math.round(cases * fraction));
  const items: { name: string; group: string; runs: number }[] = [
    { name: 'pipeline', group: 'pipeline', runs: share(0.0025) },
    { name: 'run', group: 'run', runs: share(0.005) },
    { name: 'fail2ban-db', group: 'db', runs: share(0.02) },
    { name: 'load', group: 'load', runs: share(0.1) },
  ];
  const rest = Math.max(FORMATS.length, cases - items.reduce((n, i) => n + i.runs, 0));
  FORMATS.forEach((f, i) => items.push({ name: `parser ${f.format}`, group: 'parsers', runs: Math.floor(rest / FORMATS.length) + (i < rest % FORMATS.length ? 1 : 0) }));
  return items.filter((item) => only.includes(item.group));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const log = options.log ?? (() => undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'botmap-fuzz-'));
  const ctx: FuzzContext = { tmp };
  const started = Date.now();
  const properties: PropertyResult[] = [];
  try {
    for (const item of plan(options.cases, options.only)) {
      const t0 = Date.now();
      const cleanup = () => {
        for (const entry of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
      };
      const parameters = { numRuns: item.runs, seed, endOnFailure: true };
      let details: fc.RunDetails<unknown>;
      if (item.group === 'parsers') {
        details = fc.check(parserProperty(item.name.slice('parser '.length) as InputFormat), parameters) as fc.RunDetails<unknown>;
      } else {
        const property = item.group === 'db' ? databaseProperty(ctx) : item.group === 'load' ? loadProperty(ctx) : item.group === 'run' ? runProperty(ctx) : pipelineProperty(ctx);
        details = (await fc.check((property as fc.IAsyncPropertyWithHooks<unknown[]>).afterEach(cleanup), parameters)) as fc.RunDetails<unknown>;
      }
      cleanup();
      const result: PropertyResult = { name: item.name, cases: details.numRuns, seconds: (Date.now() - t0) / 1000 };
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
        result.failure = `${error}\ncounterexample: ${fc.stringify(details.counterexample).replace(/x{40,}/g, (x) => `x{${x.length}}`).slice(0, 3000)}\nreplay: --seed ${details.seed} (fast-check path ${details.counterexamplePath})`;
      }
      properties.push(result);
      log(`${result.name.padEnd(24)} ${result.cases.toLocaleString('en-US').padStart(8)} cases  ${result.seconds.toFixed(1).padStart(7)} s  ${result.failure ? 'FAILED' : 'ok'}`);
      if (result.failure) log(result.failure);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    seed,
    cases: properties.reduce((n, p) => n + p.cases, 0),
    seconds: (Date.now() - started) / 1000,
    failures: properties.filter((p) => p.failure).length,
    properties,
  };
}

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run fuzz -- [--cases N] [--seed N] [--only parsers,db,load,pipeline,run]\nDefault: --cases $BOTMAP_FUZZ_CASES or 10000, a random seed.');
    return 0;
  }
  const cases = Number(argument(args, '--cases') ?? process.env.BOTMAP_FUZZ_CASES ?? 10_000);
  if (!Number.isInteger(cases) || cases < 1) throw new BotMapError(`--cases must be a whole number of cases, got ${argument(args, '--cases')}`);
  const seedText = argument(args, '--seed') ?? process.env.BOTMAP_FUZZ_SEED;
  const only = argument(args, '--only')?.split(',');
  const seed = seedText === undefined ? undefined : Number(seedText);
  console.log(`BotMap fuzz: ${cases.toLocaleString('en-US')} cases${seed === undefined ? '' : `, seed ${seed}`}`);
  const result = await runFuzz({ cases, seed, only, log: (line) => console.log(line) });
  console.log(
    `${result.cases.toLocaleString('en-US')} cases in ${result.seconds.toFixed(1)} s, seed ${result.seed}: ${result.failures === 0 ? 'no failure, no crash' : `${result.failures} propert${result.failures === 1 ? 'y' : 'ies'} FAILED`}`,
  );
  return result.failures === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof BotMapError ? `BotMap: ${error.message}` : error);
      process.exit(1);
    },
  );
}

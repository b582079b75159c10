/**
 * Conformance of BotMap's auth-log parser with fail2ban's `sshd` filter in each of its modes
 * (`normal`, `ddos`, `extra`, `aggressive`), measured on fail2ban's own annotated sample logs (its
 * `fail2ban/tests/files/logs/sshd` and `sshd-journal`). Those files are not part of BotMap: give
 * their folder (or the files), and `--mode M` to check one mode (all four without it).
 *
 *   npm run conformance -- ../shared/corpus/fail2ban-tests
 *   npm run conformance -- ../shared/corpus/fail2ban-tests --mode normal
 *
 * In the samples, `# failJSON: {...}` says whether the next line is a failure (`"match"`)
 * and from which `host`; `# filterOptions: [...]` opens a section and lists the filter modes
 * its annotations apply to (no `mode` is fail2ban's default, `normal`); `# fileOptions: {...}`
 * holds options for the whole file. For a mode, only the sections that list it are checked, and
 * an annotation whose `constraint` is false in that mode skips its line, as fail2ban's test runner
 * does. As there, each distinct combination of options has its own filter state, kept from one
 * section to the next.
 *
 * A line agrees when BotMap counts it as a failure exactly when fail2ban does, from the same
 * address, once the file is read (a PAM line that a later line of its process takes over counts
 * nothing); where fail2ban's expected host is a host name, BotMap agrees by skipping the line as
 * "hostname, not an address". Each mode ends with the line `N passed, M failed`; the command
 * fails when a mode agrees on less than 95% of its lines.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { looksLikeHostname, normaliseAddress } from '../src/locate/address';
import { authLog } from '../src/load/formats/auth-log';
import { SSHD_MODES, sshdMode, type SshdMode } from '../src/load/formats/grammar/sshd-modes';
import { HOSTNAME, NULL_CONTEXT, type LineParser, type LineResult } from '../src/load/formats/parser';

type Options = Record<string, unknown>;

interface Verdict {
  file: string;
  lineNo: number;
  line: string;
  expected: { match: boolean; host: string | null };
  got: string;
  agrees: boolean;
}

/** Evaluates the few Python expressions the samples use: `name == 'sshd'`, `opts.get('mode') != 'aggressive'`, joined by and/or. */
export function evaluateCondition(expression: string, opts: Options, name = 'sshd'): boolean {
  const or = expression.split(/\s+or\s+/);
  return or.some((part) =>
    part.split(/\s+and\s+/).every((atom) => {
      const m = /^\s*(name|opts\.get\(\s*['"]([\w.-]+)['"]\s*\))\s*(==|!=)\s*['"]([^'"]*)['"]\s*$/.exec(atom);
      if (m === null) throw new Error(`cannot evaluate condition "${atom}"`);
      const value = m[1] === 'name' ? name : opts[m[2]];
      const equal = value === m[4];
      return m[3] === '==' ? equal : !equal;
    }),
  );
}

function canonical(opts: Options): string {
  return JSON.stringify(Object.keys(opts).sort().map((k) => [k, opts[k]]));
}

/** What BotMap made of one checked line: the addresses it counted (taken back if withdrawn), or why it skipped it. */
interface Reading {
  file: string;
  lineNo: number;
  line: string;
  expected: { match: boolean; host: string | null };
  emitted: string[];
  result: LineResult;
}

/** Checks one annotated sample file in `mode`; returns one verdict per checked line. */
export function checkFile(file: string, text: string, mode: SshdMode = 'aggressive'): Verdict[] {
  const readings = new Map<number, Reading>();
  const lines = text.split(/\r?\n/);
  let common: Options = {};
  // The filter of `mode` in the current section (null when the section has none).
  let active: { key: string; opts: Options } | null = null;
  let sectionSeen = false;
  const parsers = new Map<string, LineParser>();
  // A PAM line taken back by a later line of its process counts nothing.
  const withdraw = (lineNo: number, reason: string) => {
    const reading = readings.get(lineNo);
    if (reading === undefined) return;
    reading.emitted = [];
    reading.result = reason;
  };
  for (let i = 0; i < lines.length; i++) {
    const m = /^#+ ?(failJSON|fileOptions|filterOptions|addFILE):(.+)$/.exec(lines[i]);
    if (m === null) continue;
    const data = JSON.parse(m[2]);
    if (m[1] === 'fileOptions') {
      common = data;
      continue;
    }
    if (m[1] === 'filterOptions') {
      sectionSeen = true;
      active = null;
      for (const option of Array.isArray(data) ? data : [data]) {
        const opts: Options = { ...common, ...option };
        const condition = opts['test.condition'];
        if (typeof condition === 'string' && !evaluateCondition(condition, opts)) continue;
        if ((opts.mode ?? 'normal') === mode) active = { key: canonical(opts), opts };
      }
      continue;
    }
    if (m[1] === 'addFILE') continue; // the other sample files are checked on their own
    // failJSON: the next line is the log line.
    const lineNo = i + 2;
    const line = lines[++i] ?? '';
    if (!sectionSeen || active === null) continue;
    if (typeof data.constraint === 'string' && !evaluateCondition(data.constraint, active.opts)) continue;
    let parser = parsers.get(active.key);
    if (parser === undefined) {
      parser = authLog.begin({ ...NULL_CONTEXT, sshdMode: mode, withdraw });
      parsers.set(active.key, parser);
    }
    const expected = { match: data.match === true, host: (data.host ?? data.ip4 ?? data.ip6 ?? null) as string | null };
    const reading: Reading = { file, lineNo, line, expected, emitted: [], result: 0 };
    readings.set(lineNo, reading);
    reading.result = parser.parseLine(line, lineNo, (ip, kind) => {
      // A successful login is an event of its own (it trusts the address), not a failure.
      if (kind !== 'failure') return normaliseAddress(ip) !== null;
      const address = normaliseAddress(ip);
      if (address === null) return false;
      reading.emitted.push(address.ip);
      return true;
    });
  }
  return [...readings.values()].map(verdict);
}

function verdict({ file, lineNo, line, expected, emitted, result }: Reading): Verdict {
  let agrees: boolean;
  if (!expected.match) {
    agrees = emitted.length === 0;
  } else if (expected.host === null) {
    agrees = emitted.length > 0;
  } else {
    const want = normaliseAddress(expected.host);
    if (want !== null) agrees = emitted.length > 0 && emitted.every((ip) => ip === want.ip);
    else if (looksLikeHostname(expected.host)) agrees = result === HOSTNAME;
    else agrees = false;
  }
  const got = emitted.length > 0 ? `failure from ${[...new Set(emitted)].join(', ')}` : `skipped: ${String(result)}`;
  return { file, lineNo, line, expected, got, agrees };
}

function sampleFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (statSync(arg).isDirectory()) {
      for (const name of readdirSync(arg).sort()) {
        if (name === 'sshd' || name.startsWith('sshd-')) files.push(path.join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

/** Checks `files` in `mode` and prints each file's agreement, the disagreements, and `N passed, M failed`; returns the share that agrees. */
function checkMode(files: string[], mode: SshdMode): number {
  let passed = 0;
  let failed = 0;
  const failures: Verdict[] = [];
  for (const file of files) {
    const verdicts = checkFile(file, readFileSync(file, 'utf8'), mode);
    const ok = verdicts.filter((v) => v.agrees).length;
    console.log(`${file}: ${ok} of ${verdicts.length} ${mode}-mode lines agree`);
    passed += ok;
    failed += verdicts.length - ok;
    failures.push(...verdicts.filter((v) => !v.agrees));
  }
  if (failures.length > 0) {
    console.log('\nDisagreements:');
    for (const v of failures) {
      const want = v.expected.match ? `failure from ${v.expected.host ?? "(the connection's address)"}` : 'no failure';
      console.log(`${path.basename(v.file)}:${v.lineNo}: fail2ban: ${want}; BotMap: ${v.got}\n    ${v.line}`);
    }
  }
  const total = passed + failed;
  const share = total === 0 ? 0 : passed / total;
  console.log(`\n${mode} mode agreement: ${(100 * share).toFixed(1)}%`);
  console.log(`${passed} passed, ${failed} failed`);
  return share;
}

function main(): void {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const at = args.indexOf('--mode');
  let modes: readonly SshdMode[] = SSHD_MODES;
  if (at >= 0) {
    try {
      modes = [sshdMode(args[at + 1] ?? '', '--mode')];
    } catch (err) {
      console.error((err as Error).message);
      process.exit(2);
    }
    args.splice(at, 2);
  }
  if (args.length === 0) {
    console.error("usage: npm run conformance -- <folder with fail2ban's sshd sample logs, or the files> [--mode normal|ddos|extra|aggressive]");
    process.exit(2);
  }
  const files = sampleFiles(args);
  if (files.length === 0) {
    console.error(`no sshd sample logs (files named sshd, sshd-*) in ${args.join(', ')}`);
    process.exit(2);
  }
  let below = false;
  modes.forEach((mode, i) => {
    if (i > 0) console.log('');
    if (modes.length > 1) console.log(`== ${mode} ==`);
    below = checkMode(files, mode) < 0.95 || below;
  });
  if (below) process.exitCode = 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();

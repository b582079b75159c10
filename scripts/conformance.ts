/**
 * Conformance of BotMap's auth-log parser with fail2ban's `sshd` filter in `aggressive` mode,
 * measured on fail2ban's own annotated sample logs (its `fail2ban/tests/files/logs/sshd` and
 * `sshd-journal`). Those files are not part of BotMap: give their folder (or the files).
 *
 *   npm run conformance -- ../shared/corpus/fail2ban-tests
 *
 * In the samples, `# failJSON: {...}` says whether the next line is a failure (`"match"`)
 * and from which `host`; `# filterOptions: [...]` opens a section and lists the filter modes
 * its annotations apply to; `# fileOptions: {...}` holds options for the whole file. Only
 * sections that include `aggressive` are checked, and an annotation whose `constraint` is
 * false in aggressive mode skips its line, as fail2ban's test runner does. As there, each
 * distinct combination of options has its own filter state, kept from one section to the next.
 *
 * A line agrees when BotMap counts it as a failure exactly when fail2ban does, from the same
 * address; where fail2ban's expected host is a host name, BotMap agrees by skipping the line as
 * "hostname, not an address". The last line printed is `N passed, M failed`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { looksLikeHostname, normaliseAddress } from '../src/locate/address';
import { authLog } from '../src/load/formats/auth-log';
import { HOSTNAME, NULL_CONTEXT, type LineParser } from '../src/load/formats/parser';

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

/** Checks one annotated sample file; returns one verdict per checked line. */
export function checkFile(file: string, text: string): Verdict[] {
  const verdicts: Verdict[] = [];
  const lines = text.split(/\r?\n/);
  let common: Options = {};
  // The aggressive filter of the current section (null when the section has none).
  let active: { key: string; opts: Options } | null = null;
  let sectionSeen = false;
  const parsers = new Map<string, LineParser>();
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
        if (opts.mode === 'aggressive') active = { key: canonical(opts), opts };
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
      parser = authLog.begin(NULL_CONTEXT);
      parsers.set(active.key, parser);
    }
    const emitted: string[] = [];
    const result = parser.parseLine(line, lineNo, (ip, kind) => {
      // A successful login is an event of its own (it trusts the address), not a failure.
      if (kind !== 'failure') return normaliseAddress(ip) !== null;
      const address = normaliseAddress(ip);
      if (address === null) return false;
      emitted.push(address.ip);
      return true;
    });
    const expectedHost = (data.host ?? data.ip4 ?? data.ip6 ?? null) as string | null;
    const match = data.match === true;
    let agrees: boolean;
    if (!match) {
      agrees = emitted.length === 0;
    } else if (expectedHost === null) {
      agrees = emitted.length > 0;
    } else {
      const want = normaliseAddress(expectedHost);
      if (want !== null) agrees = emitted.length > 0 && emitted.every((ip) => ip === want.ip);
      else if (looksLikeHostname(expectedHost)) agrees = result === HOSTNAME;
      else agrees = false;
    }
    const got = emitted.length > 0 ? `failure from ${[...new Set(emitted)].join(', ')}` : `skipped: ${String(result)}`;
    verdicts.push({ file, lineNo, line, expected: { match, host: expectedHost }, got, agrees });
  }
  return verdicts;
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

function main(): void {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length === 0) {
    console.error('usage: npm run conformance -- <folder with fail2ban\'s sshd sample logs, or the files>');
    process.exit(2);
  }
  const files = sampleFiles(args);
  if (files.length === 0) {
    console.error(`no sshd sample logs (files named sshd, sshd-*) in ${args.join(', ')}`);
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  const failures: Verdict[] = [];
  for (const file of files) {
    const verdicts = checkFile(file, readFileSync(file, 'utf8'));
    const ok = verdicts.filter((v) => v.agrees).length;
    console.log(`${file}: ${ok} of ${verdicts.length} aggressive-mode lines agree`);
    passed += ok;
    failed += verdicts.length - ok;
    failures.push(...verdicts.filter((v) => !v.agrees));
  }
  if (failures.length > 0) {
    console.log('\nDisagreements:');
    for (const v of failures) {
      const want = v.expected.match ? `failure from ${v.expected.host ?? '(the connection\'s address)'}` : 'no failure';
      console.log(`${path.basename(v.file)}:${v.lineNo}: fail2ban: ${want}; BotMap: ${v.got}\n    ${v.line}`);
    }
  }
  const total = passed + failed;
  console.log(`\nagreement: ${total === 0 ? 0 : ((100 * passed) / total).toFixed(1)}%`);
  console.log(`${passed} passed, ${failed} failed`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();

/**
 * `botmap <files or folders...> [--out dir]`: the notebooks' pipeline without Jupyter, for cron
 * jobs that refresh the charts nightly (and for the bench). Writes the same files as `npm start`
 * (summary.json, charts/, tables/, index.html); the executed notebooks are `npm start`'s alone.
 * `botmap ingest` and `botmap export-parquet` feed the archive and export it (src/archive/).
 * Started by `bin/botmap.js`, or directly with `tsx scripts/cli.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BotMapError } from '../src/errors';
import { namingFile } from '../src/aggregate/summary';
import { archivePath, DEFAULT_ARCHIVE, DEFAULT_WAIT_MS } from '../src/archive/open';
import { ingestPaths } from '../src/archive/ingest';
import { exportParquet } from '../src/archive/parquet';
import { INPUT_FORMATS } from '../src/load/load';
import { DEFAULT_SSHD_MODE, sshdMode, type SshdMode } from '../src/load/formats/grammar/sshd-modes';
import { DEFAULT_PARAMETERS, botmapVersion, parameters, type Parameters } from '../src/notebook/pipeline';
import { progressFile, terminalProgress, type ProgressSink } from '../src/notebook/progress';
import { runPipeline } from '../src/notebook/run';
import { timeZone } from '../src/time-zone';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Words joined by commas, wrapped at `width` columns, every line indented by `indent`. */
function wrapList(words: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, word] of words.entries()) {
    const piece = i < words.length - 1 ? `${word},` : word;
    if (line && indent + line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

export const USAGE = `Usage: botmap [options] <file or folder>...
       botmap [options]                 (reads the archive in $BOTMAP_ARCHIVE)
       botmap ingest [--archive <file>] [--wait <seconds>] [--sshd-mode <mode>] <file or folder>...
       botmap export-parquet [--archive <file>] <folder>

Reads fail2ban exports (fail2ban.log, fail2ban-client status output, lists of addresses and
the other formats BotMap detects; plain or .gz; folders are read recursively), places every
address with an offline MaxMind database, and writes the same files as \`npm start\`, without
Jupyter:

  <out>/summary.json  <out>/charts/*.svg|png  <out>/tables/*.csv  <out>/index.html

A BotMap archive (botmap ingest) among the paths is read as one, beside any new files; with
no paths, the archive in $BOTMAP_ARCHIVE is read (paths typed beat it), else $BOTMAP_DATA.

Options:
  -o, --out <dir>        output folder (default: ./output, or $BOTMAP_OUT)
      --mmdb <file>      a MaxMind GeoLite2/GeoIP2 City .mmdb (default: the packaged
                         GeoLite2 City, or $BOTMAP_MMDB)
      --theme <name>     dark (low-light) or light (print); default dark, or $BOTMAP_THEME
      --sshd-mode <mode> how sshd's lines count, as fail2ban's sshd filter mode: normal
                         (its default), ddos, extra or aggressive; default normal, or
                         $BOTMAP_SSHD_MODE
      --format <format>  read every file as this format instead of detecting each one:
${wrapList(INPUT_FORMATS, 25, 92)}
  -q, --quiet            print nothing but warnings and errors (for cron)
  -h, --help             show this help
      --version          show BotMap's version

Other settings come from the environment as in \`npm start\`: BOTMAP_LABELS, BOTMAP_TOP,
BOTMAP_TZ, BOTMAP_ASN_MMDB, BOTMAP_CLUSTER_KM, BOTMAP_PLACE_NAMING_KM, BOTMAP_IPV6_64,
BOTMAP_PROJECTION, BOTMAP_FROM and BOTMAP_TO (analyse only the events of these days, YYYY-MM-DD),
BOTMAP_TRUSTED (your own addresses and networks, commas between: set apart from the attackers,
as are addresses that logged in and a jail.local's ignoreip) and BOTMAP_INCLUDE_TRUSTED=1 (count them).
Relative paths are taken from the current folder. Exit status: 0 when the files were
written (inputs that could not be read completely are reported as warnings), 1 on an error.

The archive keeps the events of every export ingested, beyond what fail2ban keeps:
  ingest          adds the events of the files the archive does not hold yet, with a record
                  of each file, in one transaction; prints one line:
                  ingest: <new> new events, <duplicates> duplicates, <files> files
  export-parquet  writes the archive's events into <folder> as Parquet, one folder per server
                  and month (<folder>/server=<server>/month=<YYYY-MM>/data_0.parquet)
      --archive <file>   the archive, a DuckDB database (default: ${DEFAULT_ARCHIVE} in the
                         project folder, or $BOTMAP_ARCHIVE); ingest creates it
      --wait <seconds>   how long to wait while another BotMap writes the archive
                         (default ${DEFAULT_WAIT_MS / 1000})

Examples:
  npx botmap /var/log/fail2ban.log /var/log/fail2ban.log.1 /var/log/fail2ban.log.2.gz
  npx botmap data/private/archive.duckdb --out ~/botmap-history   # everything ingested
  BOTMAP_FROM=2026-10-01 BOTMAP_TO=2026-10-31 npx botmap data/private/archive.duckdb
  npx botmap ~/exports --out /srv/www/botmap --theme light
  # crontab: refresh the charts every night at 03:15
  15 3 * * *  cd /opt/botmap && npx botmap --quiet /var/log/fail2ban.log* --out /srv/www/botmap
  npx botmap ingest ~/exports            # every week, into data/private/archive.duckdb
  npx botmap export-parquet ~/botmap-parquet`;

interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

/** Runs the command; returns the exit status. Errors meant for the user are printed without a stack. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliOutput = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const say = (text: string) => io.stdout.write(`${text}\n`);
  try {
    if (argv[0] === 'ingest') return await ingestCommand(argv.slice(1), env, io);
    if (argv[0] === 'export-parquet') return await exportParquetCommand(argv.slice(1), env, io);
    const { values, positionals } = options(argv, {
      out: { type: 'string', short: 'o' },
      mmdb: { type: 'string' },
      theme: { type: 'string' },
      'sshd-mode': { type: 'string' },
      format: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    });
    if (values.help) {
      say(USAGE);
      return 0;
    }
    if (values.version) {
      say(botmapVersion());
      return 0;
    }
    const params = cliParameters(positionals, values, env);
    // The packaged databases, fonts and shapes are found from the project folder.
    process.chdir(ROOT);
    const progress = !values.quiet && io.stderr.isTTY ? terminalProgress(io.stderr) : undefined;
    const result = await runPipeline(params, { progress });
    const { summary } = result;
    for (const failed of summary.failed_inputs) io.stderr.write(`botmap: warning: ${namingFile(failed)}\n`);
    if (!values.quiet) {
      const ips = summary.ips;
      const n = (x: number) => x.toLocaleString('en-US');
      say(
        `${n(ips.distinct)} distinct addresses (${n(ips.located_city)} to a city, ${n(ips.located_country_only)} to a country only, ` +
          `${n(ips.not_found)} not found, ${n(ips.not_public)} not public) from ${n(summary.inputs.length)} input${summary.inputs.length === 1 ? '' : 's'}, ` +
          `${n(summary.inputs.reduce((s, i) => s + i.lines, 0))} lines, in ${result.seconds.toFixed(1)} s.`,
      );
      for (const note of summary.notes) say(`note: ${note}`);
      const mapPage = summary.map ? `${summary.map}, ` : '';
      say(`Wrote ${params.out}/: index.html, ${mapPage}summary.json, charts/ (${Object.keys(summary.charts).length} charts), tables/`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const debug = /^(1|true|yes)$/i.test(env.BOTMAP_DEBUG ?? '');
    if (error instanceof BotMapError || !debug) io.stderr.write(`botmap: ${message}\n`);
    else io.stderr.write(`botmap: ${(error as Error).stack ?? message}\n`);
    return 1;
  }
}

/** The options and positionals of `argv`; a wrong option is a one-line error. */
function options<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], known: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: known });
  } catch (error) {
    throw new BotMapError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '.')} (see botmap --help)`);
  }
}

/** The archive commands' options. */
const ARCHIVE_OPTIONS = {
  archive: { type: 'string' },
  wait: { type: 'string' },
  'sshd-mode': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The folder relative paths are taken from: where the user typed the command. `npm run ingest`
 * runs from the project folder and says where that was in INIT_CWD (read only then: an npm
 * script that starts botmap elsewhere passes its own INIT_CWD on).
 */
function callerFolder(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'ingest' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** `--wait <seconds>` in ms. */
function waitMs(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(given)) throw new BotMapError(`--wait takes a number of seconds, got "${given}".`);
  return Number(given) * 1000;
}

/** Progress on a terminal, and into BOTMAP_PROGRESS_FILE when set (how a script or a test follows an ingest). */
function commandProgress(io: CliOutput, env: NodeJS.ProcessEnv): ProgressSink | undefined {
  const sinks = [io.stderr.isTTY ? terminalProgress(io.stderr) : undefined, env.BOTMAP_PROGRESS_FILE ? progressFile(env.BOTMAP_PROGRESS_FILE) : undefined];
  const used = sinks.filter((sink): sink is ProgressSink => sink !== undefined);
  return used.length === 0 ? undefined : (p) => used.forEach((sink) => sink(p));
}

/** `botmap ingest`: the new events of the exports into the archive; one line says how many. */
async function ingestCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  const { values, positionals } = options(argv, ARCHIVE_OPTIONS);
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cwd = callerFolder(env);
  if (positionals.length === 0) throw new BotMapError('Give the files or folders to ingest: botmap ingest <file or folder>... [--archive file] (see botmap --help).');
  const result = await ingestPaths(existingPaths(positionals, cwd), {
    archive: archivePath(values.archive, env, cwd),
    waitMs: waitMs(values.wait),
    timeZone: timeZone(env.BOTMAP_TZ),
    sshdMode: cliSshdMode(values['sshd-mode'], env),
    onProgress: commandProgress(io, env),
  });
  for (const input of result.inputs) if (input.error !== undefined) io.stderr.write(`botmap: warning: ${namingFile({ file: input.file, error: input.error })}\n`);
  io.stdout.write(`ingest: ${result.newEvents} new events, ${result.duplicates} duplicates, ${result.files.length} files\n`);
  return 0;
}

/** `botmap export-parquet <folder>`: the archive's events as Parquet. */
async function exportParquetCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  const { values, positionals } = options(argv, ARCHIVE_OPTIONS);
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new BotMapError('Give one folder to write the Parquet files into: botmap export-parquet [--archive file] <folder> (see botmap --help).');
  const cwd = callerFolder(env);
  const written = await exportParquet(archivePath(values.archive, env, cwd), path.resolve(cwd, positionals[0]), { waitMs: waitMs(values.wait) });
  io.stdout.write(`export-parquet: ${written.events} events in ${written.partitions} server/month folders under ${written.folder}\n`);
  return 0;
}

/** `--sshd-mode`, else `BOTMAP_SSHD_MODE`, else fail2ban's default; a wrong one is a one-line error listing the four. */
function cliSshdMode(option: string | undefined, env: NodeJS.ProcessEnv): SshdMode {
  const text = option ?? env.BOTMAP_SSHD_MODE;
  if (!text) return DEFAULT_SSHD_MODE;
  try {
    return sshdMode(text, option !== undefined ? '--sshd-mode' : 'BOTMAP_SSHD_MODE');
  } catch (error) {
    throw new BotMapError((error as Error).message);
  }
}

/** The given paths, absolute (from `cwd`); a missing one stops the command, naming it. */
function existingPaths(given: string[], cwd: string): string[] {
  const paths = given.map((p) => path.resolve(cwd, p));
  const missing = given.filter((_, i) => !fs.existsSync(paths[i]));
  if (missing.length) throw new BotMapError(`No such file or folder: ${missing.join(', ')}. Give existing files or folders of fail2ban exports.`);
  return paths;
}

/**
 * The run's parameters: the options, else `BOTMAP_*` variables, else the defaults. What is read:
 * the paths typed, else the archive in `BOTMAP_ARCHIVE`, else `BOTMAP_DATA` (see `inputPaths`:
 * typed paths beat an archive a cron job exports for `botmap ingest`). Paths given on the
 * command line or in the variables are taken from the current folder.
 */
function cliParameters(
  positionals: string[],
  values: { out?: string; mmdb?: string; theme?: string; format?: string; 'sshd-mode'?: string },
  env: NodeJS.ProcessEnv,
): Parameters {
  const cwd = process.cwd();
  const resolve = (p: string) => path.resolve(cwd, p);
  const fromEnv = env.BOTMAP_DATA ? env.BOTMAP_DATA.split(path.delimiter).filter(Boolean) : [];
  const archive = positionals.length === 0 && env.BOTMAP_ARCHIVE ? resolve(env.BOTMAP_ARCHIVE) : null;
  const given = positionals.length ? positionals : fromEnv;
  if (given.length === 0 && archive === null) throw new BotMapError('Give the files or folders to read: botmap <file or folder>... [--out dir] (see botmap --help).');
  // The archive is checked when it is read: its error says it is no archive.
  const data = archive === null ? existingPaths(given, cwd) : [];
  const theme = values.theme ?? env.BOTMAP_THEME;
  if (theme !== undefined && theme !== 'dark' && theme !== 'light') throw new BotMapError(`Unknown theme "${theme}": use dark or light.`);
  const mmdb = values.mmdb ?? env.BOTMAP_MMDB;
  const overrides: Partial<Parameters> & { format?: string } = {
    data,
    archive,
    out: resolve(values.out ?? env.BOTMAP_OUT ?? 'output'),
    mmdb: mmdb ? resolve(mmdb) : null,
    theme: theme ?? DEFAULT_PARAMETERS.theme,
    sshdMode: cliSshdMode(values['sshd-mode'], env),
  };
  if (values.format !== undefined) {
    const known: readonly string[] = INPUT_FORMATS;
    if (!known.includes(values.format)) throw new BotMapError(`Unknown format "${values.format}": use one of ${known.join(', ')}.`);
    if (!('format' in DEFAULT_PARAMETERS)) {
      throw new BotMapError('--format is not supported by this version of the pipeline yet; leave it out and each file\'s format is detected from its first lines.');
    }
    overrides.format = values.format;
  }
  if (env.BOTMAP_ASN_MMDB) overrides.asnMmdb = resolve(env.BOTMAP_ASN_MMDB);
  // The options win over the variables they replace; the other BOTMAP_* variables apply as in npm start.
  const rest: NodeJS.ProcessEnv = { ...env };
  for (const name of ['BOTMAP_DATA', 'BOTMAP_ARCHIVE', 'BOTMAP_OUT', 'BOTMAP_MMDB', 'BOTMAP_THEME', 'BOTMAP_ASN_MMDB', 'BOTMAP_SSHD_MODE']) delete rest[name];
  try {
    return parameters(overrides, rest);
  } catch (error) {
    throw error instanceof BotMapError ? error : new BotMapError((error as Error).message);
  }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

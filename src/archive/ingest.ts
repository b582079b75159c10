/**
 * Ingest: the new events of some exports into the archive. fail2ban keeps little history (logs
 * rotate away after weeks, its database purges bans after a day), so an archive fed every week
 * keeps what the exports forget; exports that overlap add only what the archive does not hold.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BotMapError } from '../errors';
import type { EventStore } from '../load/events';
import { loadPaths } from '../load/load';
import type { SshdMode } from '../load/formats/grammar/sshd-modes';
import type { ProgressSink } from '../notebook/progress';
import type { TimeZone } from '../time-zone';
import type { InputReport } from '../types';
import { matchWithArchive, type Matched } from './matching';
import { openArchive } from './open';
import type { ArchivedFile } from './read';
import { type FileRecord, writeIngest } from './write';

export interface IngestOptions {
  /** The archive file; created (with its folder) when missing. */
  archive: string;
  /** How long to wait while another BotMap writes the archive (ms); see `openArchive`. */
  waitMs?: number;
  /** The zone of times written without one (see `LoadOptions.timeZone`). */
  timeZone?: TimeZone;
  /**
   * How sshd's lines are read (see `LoadOptions.sshdMode`): the archive keeps the events as read
   * in this mode (each input's report says which); reading the archive later reads no line again.
   */
  sshdMode?: SshdMode;
  /** Reading, then writing. */
  onProgress?: ProgressSink;
}

export interface IngestResult {
  /** The archive as messages name it. */
  archive: string;
  /** Events the archive did not hold, now added. */
  newEvents: number;
  /** Events it held already (or that repeat another of this ingest's files), not added. */
  duplicates: number;
  /** The file records written, one per file read. */
  files: ArchivedFile[];
  /** The load's report of each file, in the same order (their `error`s are the files that failed). */
  inputs: InputReport[];
}

/**
 * Reads `paths` (files and folders, as `loadPaths` does) and adds their events that the archive
 * does not hold yet, with a record of each file, in one transaction: all of it or, on an error
 * or a kill, nothing. The archive is locked against other BotMaps from start to end.
 */
export async function ingestPaths(paths: string[], options: IngestOptions): Promise<IngestResult> {
  const archive = await openArchive(options.archive, { mode: 'write', waitMs: options.waitMs });
  try {
    const files: string[] = [];
    const load = await loadPaths(paths, {
      timeZone: options.timeZone,
      sshdMode: options.sshdMode,
      onFile: (file, input) => {
        // Reading it would wait for this very ingest to let go of it.
        if (file === archive.file) throw new BotMapError(`${archive.display}: the archive this ingest writes to is among its inputs: it cannot be ingested into itself.`);
        files[input] = file;
      },
      onProgress: (p) => options.onProgress?.({ stage: 'Reading', done: p.bytes, total: p.totalBytes, message: `${path.basename(p.file)}: ${p.lines.toLocaleString('en-US')} lines` }),
    });
    // Locked since it was opened: what matching reads is still what the archive holds at the commit.
    const matched = await matchWithArchive(archive, load.store, load.inputs.length);
    const records = await fileRecords(load.inputs, files, matched);
    const written = await writeIngest(archive, matched, records, options.onProgress);
    const sum = (field: 'newEvents' | 'duplicates') => written.reduce((total, file) => total + file[field], 0);
    return { archive: archive.display, newEvents: sum('newEvents'), duplicates: sum('duplicates'), files: written, inputs: load.inputs };
  } finally {
    archive.close();
  }
}

/** Each file's record: what the load reported, its size and hash on disk, and what matching found in its events. */
async function fileRecords(inputs: InputReport[], files: string[], matched: Matched): Promise<FileRecord[]> {
  const counts = countsPerInput(matched.store, matched.duplicate, inputs.length);
  return Promise.all(
    inputs.map(async (report, input) => {
      const onDisk = await sizeAndHash(files[input]);
      return {
        file: files[input],
        ...onDisk,
        lines: report.lines,
        format: report.format,
        server: report.server,
        ...counts[input],
        error: report.error ?? null,
      };
    }),
  );
}

/** Per input of the run: its first and last event time, its new events and its duplicates. */
function countsPerInput(store: EventStore, duplicate: Uint8Array, inputCount: number) {
  const counts = Array.from({ length: inputCount }, () => ({ firstEvent: null as number | null, lastEvent: null as number | null, newEvents: 0, duplicates: 0 }));
  const columns = store.columns();
  const { time } = columns;
  const input = columns.input;
  for (let i = 0; i < store.length; i++) {
    if (input[i] === 0) continue;
    const count = counts[input[i] - 1];
    if (duplicate[i] === 1) count.duplicates++;
    else count.newEvents++;
    if (Number.isNaN(time[i])) continue;
    if (count.firstEvent === null || time[i] < count.firstEvent) count.firstEvent = time[i];
    if (count.lastEvent === null || time[i] > count.lastEvent) count.lastEvent = time[i];
  }
  return counts;
}

/**
 * The file's size and SHA-256 (hex) as it is on disk now, read again after the load: a file that
 * grew meanwhile (a live log) is recorded as it is now. Null for a file that cannot be read.
 */
async function sizeAndHash(file: string): Promise<{ size: number | null; sha256: string | null }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { size: null, sha256: null };
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return { size: info.size, sha256: hash.digest('hex') };
  } catch {
    return { size: null, sha256: null };
  }
}

/**
 * Rotated logs (`fail2ban.log.2.gz`, `fail2ban.log.1`, `fail2ban.log`; `auth.log-20261001.gz`)
 * are read oldest first, and lines at the head of a file that repeat the tail of the file
 * rotated before it are skipped as DUPLICATE_OF_ROTATED.
 */
import path from 'node:path';
import { detached } from './detached';
import type { FileEntry } from './files';
import { isBlank } from './formats/parser';

/** The skip reason of head lines that repeat the tail of the previous rotated file. */
export const DUPLICATE_OF_ROTATED = "duplicate of rotated file's line";

/** Lines of a file kept to find the next rotated file's repeated head. */
const TAIL_LINES = 2000;

/**
 * A file's place in its rotation group: `fail2ban.log.2.gz` is `{ base: 'fail2ban.log', age: 2 }`,
 * `auth.log-20261001.gz` is dated, `fail2ban.log` (and `fail2ban.log.gz`) is the live file.
 * Older files are read first: dated ones by date, then numbered ones from the highest number, then the live one.
 */
export function rotationOf(name: string): { base: string; order: number } {
  const numbered = /^(.+?)\.(\d{1,4})(?:\.(?:gz|bz2|xz|zst))?$/i.exec(name);
  if (numbered) return { base: numbered[1], order: 2_000_000_000 - Number(numbered[2]) };
  const dated = /^(.+?)-(\d{8})(?:\.(?:gz|bz2|xz|zst))?$/i.exec(name);
  if (dated) return { base: dated[1], order: Number(dated[2]) };
  const gz = /^(.+?)\.gz$/i.exec(name);
  return { base: gz ? gz[1] : name, order: 3_000_000_000 };
}

/** Orders the members of each rotation group (same folder, same base name) oldest first, in the group's positions. */
export function orderRotations(files: FileEntry[]): void {
  const groups = new Map<string, number[]>();
  files.forEach((file, i) => {
    const key = rotationKey(file.path);
    const positions = groups.get(key);
    if (positions === undefined) groups.set(key, [i]);
    else positions.push(i);
  });
  for (const positions of groups.values()) {
    if (positions.length < 2) continue;
    const members = positions.map((i) => files[i]);
    members.sort((a, b) => rotationOf(path.basename(a.path)).order - rotationOf(path.basename(b.path)).order);
    positions.forEach((position, k) => {
      files[position] = members[k];
    });
    for (const member of members.slice(0, -1)) member.rotatedInto = true;
  }
}

export function rotationKey(file: string): string {
  return path.join(path.dirname(file), rotationOf(path.basename(file)).base);
}

/**
 * Finds the head of a file that repeats the tail of the file rotated before it: the longest
 * run of first lines equal to the last lines of the previous file (one non-blank line at least).
 * Lines are held back while a repeat is still possible, then released as duplicates or not.
 */
export class SeamFilter {
  private candidates: number[] | null = null;
  private readonly held: string[] = [];
  private best = 0;
  done = false;

  constructor(private readonly tail: readonly (string | null)[]) {}

  /** Takes the next line; returns the lines released, each with whether it is a duplicate. */
  push(line: string, out: (line: string, duplicate: boolean) => void): void {
    if (this.done) {
      out(line, false);
      return;
    }
    const k = this.held.length;
    const tail = this.tail;
    if (this.candidates === null) {
      this.candidates = [];
      for (let j = 0; j < tail.length; j++) if (tail[j] === line) this.candidates.push(j);
    } else {
      this.candidates = this.candidates.filter((j) => j + k < tail.length && tail[j + k] === line);
    }
    this.held.push(line);
    // A candidate that reached the tail's end is a complete repeat of k + 1 lines.
    for (const j of this.candidates) {
      if (j + k + 1 === tail.length && k + 1 > this.best && this.held.some((held) => !isBlank(held))) this.best = k + 1;
    }
    this.candidates = this.candidates.filter((j) => j + k + 1 < tail.length);
    if (this.candidates.length === 0) this.release(out);
  }

  /** Releases what is held (at the end of the file). */
  release(out: (line: string, duplicate: boolean) => void): void {
    if (this.done) return;
    this.done = true;
    for (let i = 0; i < this.held.length; i++) out(this.held[i], i < this.best);
    this.held.length = 0;
  }
}

/** The last TAIL_LINES lines of a file, kept for the file rotated after it; null for a line too long to keep. */
export class RotationTail {
  private kept: (string | null)[] = [];

  push(line: string | null): void {
    // Trimmed once it holds twice what is kept: each line is copied at most once.
    if (this.kept.push(line) === 2 * TAIL_LINES) this.kept = this.kept.slice(TAIL_LINES);
  }

  /** The lines kept, oldest first, as copies (not slices of a read chunk); a null equals no line of the next file. */
  lines(): (string | null)[] {
    return this.kept.slice(-TAIL_LINES).map((line) => (line === null ? null : detached(line)));
  }
}

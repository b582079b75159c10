/** Progress reports, throttled: the load stage's, and the one throttle every progress display uses. */

/**
 * A throttle: `due()` is true when `ms` have passed since it was last true (from `last`, epoch
 * ms), or when the caller says the report must go (`due(true)`: the end of a stage, a jump in lines).
 */
export function progressThrottle(ms: number, last = 0): (must?: boolean) => boolean {
  return (must = false) => {
    const now = Date.now();
    if (!must && now - last < ms) return false;
    last = now;
    return true;
  };
}

export interface LoadProgress {
  /** The file being read (as in its report). */
  file: string;
  /** Bytes read so far over the whole run (compressed bytes for .gz files). */
  bytes: number;
  /** Size of all the files of the run. */
  totalBytes: number;
  /** Lines read so far from `file`. */
  lines: number;
}

const PROGRESS_MS = 100;
const PROGRESS_LINES = 65_536;

/** The load's progress, reported at most every ~100 ms or 64k lines; bytes count over the whole run. */
export class Progress {
  private doneBytes = 0;
  private readonly due = progressThrottle(PROGRESS_MS, Date.now());
  private lastFile = '';
  private lastLines = 0;
  private reportedLines = 0;

  constructor(
    private readonly callback: ((p: LoadProgress) => void) | undefined,
    private readonly totalBytes: number,
  ) {}

  update(file: string, fileBytes: number, fileLines: number): void {
    if (this.callback === undefined) return;
    this.lastFile = file;
    this.lastLines = fileLines;
    if (!this.due(Math.abs(fileLines - this.reportedLines) >= PROGRESS_LINES)) return;
    this.reportedLines = fileLines;
    this.callback({ file, bytes: this.doneBytes + fileBytes, totalBytes: this.totalBytes, lines: fileLines });
  }

  fileDone(file: string, fileBytes: number, fileLines: number): void {
    this.update(file, fileBytes, fileLines);
    this.doneBytes += fileBytes;
    this.reportedLines = 0;
  }

  end(): void {
    this.callback?.({ file: this.lastFile, bytes: this.doneBytes, totalBytes: this.totalBytes, lines: this.lastLines });
  }
}

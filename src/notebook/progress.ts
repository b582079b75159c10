import fs from 'node:fs';
import { escapeHtml } from '../html';
import { progressThrottle } from '../load/progress';

/** One step of progress: `done` of `total` units (bytes, lines, addresses), with a message. */
export interface Progress {
  stage: string;
  done: number;
  total: number;
  message: string;
}

export type ProgressSink = (progress: Progress) => void;

/** The part of tslab's display API BotMap uses, so `src/` does not depend on the kernel. */
interface TslabLike {
  newDisplay(): { html(html: string): void };
}

/**
 * A progress bar that redraws in place in a notebook output (tslab.newDisplay()),
 * at most every 100 ms and always at the end of a stage. With `BOTMAP_PROGRESS_FILE` set, the
 * latest state is also written there (see `progressFile`).
 */
export function notebookProgress(tslab: TslabLike): ProgressSink {
  const display = tslab.newDisplay();
  // `npm start` runs notebooks headlessly and shows this progress on its terminal from the file.
  const file = process.env.BOTMAP_PROGRESS_FILE;
  const toFile = file ? progressFile(file) : undefined;
  const due = progressThrottle(100);
  return (p) => {
    if (!due(p.done >= p.total)) return;
    toFile?.(p);
    const pct = p.total > 0 ? Math.min(100, Math.round((100 * p.done) / p.total)) : 100;
    display.html(
      `<div style="font-family:monospace"><b>${escapeHtml(p.stage)}</b> <progress value="${pct}" max="100" style="width:16em"></progress> ${pct}% · ${escapeHtml(p.message)}</div>`,
    );
  };
}

/**
 * Writes each progress state given to `file` as JSON, replacing the last: how another process
 * follows a run without a terminal (`npm start` its notebooks, a test an ingest).
 */
export function progressFile(file: string): ProgressSink {
  return (p) => {
    try {
      fs.writeFileSync(file, JSON.stringify(p));
    } catch {
      // Progress is a courtesy: never fail a run over it.
    }
  };
}

/** A single progress line on a terminal (stderr), redrawn in place; plain lines when not a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const due = progressThrottle(200);
  let lastStage = '';
  return (p) => {
    const finished = p.done >= p.total;
    if (!due(finished || p.stage !== lastStage)) return;
    lastStage = p.stage;
    const pct = p.total > 0 ? Math.min(100, Math.round((100 * p.done) / p.total)) : 100;
    const line = `${p.stage}: ${pct}% ${p.message}`;
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
    else if (finished) stream.write(`${line}\n`);
  };
}

/** .gz files: how far one may expand, its first bytes, its content read as a stream with that bound. */
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BotMapError } from '../errors';
import { printable } from '../html';

/** A .gz may always expand to this much; beyond it, to at most GZ_MAX_RATIO times its size. */
const GZ_MIN_LIMIT = 1024 * 1024 * 1024;
const GZ_MAX_RATIO = 100;
/** Bytes looked at to recognise a file (SQLite header, byte-order mark, binary data). */
const HEAD_BYTES = 4096;

/** A .gz that expands past its limit: its message is the file's error as it stands. */
export class GzLimitError extends Error {}

/** `BOTMAP_MAX_GZ_BYTES` as a number of bytes, or undefined when not set. */
export function gzLimitFromEnvironment(): number | undefined {
  const text = process.env.BOTMAP_MAX_GZ_BYTES;
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1) throw new BotMapError(`BOTMAP_MAX_GZ_BYTES must be a number of bytes (at least 1), got "${printable(text)}".`);
  return Math.floor(n);
}

/** The most a .gz file of `compressedSize` bytes may expand to. */
export function gzExpansionLimit(compressedSize: number, configured?: number): number {
  return configured ?? Math.max(GZ_MIN_LIMIT, GZ_MAX_RATIO * compressedSize);
}

/**
 * The error of a .gz of `compressed` bytes that grew past `limit` (`configured`: the limit was
 * set, not derived from the size); `atLine` says where reading stopped.
 */
export function gzBombMessage(display: string, atLine: string, decompressed: number, limit: number, compressed: number, configured: boolean): string {
  return (
    `${display}: ${atLine}: its content grows past ${formatBytes(limit)} (${formatBytes(decompressed)} so far from ${formatBytes(compressed)} compressed)` +
    `${configured ? '' : `, more than ${GZ_MAX_RATIO} times its compressed size`}: a decompression bomb? The lines before are counted; ` +
    `set BOTMAP_MAX_GZ_BYTES to a larger number of bytes to read further.`
  );
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** The first HEAD_BYTES bytes of an open file (of its content for .gz), or fewer for a shorter file. */
export async function fileHead(handle: FileHandle, gz: boolean): Promise<Buffer> {
  const raw = Buffer.alloc(gz ? 65_536 : HEAD_BYTES);
  const { bytesRead } = await handle.read(raw, 0, raw.length, 0);
  if (!gz) return raw.subarray(0, bytesRead);
  return new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const gunzip = createGunzip();
    const finish = () => {
      if (done) return;
      done = true;
      gunzip.destroy();
      resolve(Buffer.concat(chunks).subarray(0, HEAD_BYTES));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= HEAD_BYTES) finish();
    });
    gunzip.on('error', finish);
    gunzip.on('end', finish);
    gunzip.on('close', finish);
    gunzip.end(raw.subarray(0, bytesRead));
  });
}

/**
 * Hands the decompressed chunks of `source` to `take` as they come; rejects with what
 * `tooBig(bytes so far)` makes once the content passes `limit` bytes.
 */
export function readGzChunks(source: Readable, limit: number, take: (chunk: Buffer) => void, tooBig: (decompressed: number) => GzLimitError): Promise<void> {
  // Each chunk is taken as it comes ('data' events, not an async iterator): a chunk that arrives
  // just before an error (a .gz with garbage after its data) is read, not dropped with the stream's buffer.
  let decompressed = 0;
  return new Promise<void>((resolve, reject) => {
    let stopped = false;
    const stop = (err: unknown) => {
      if (stopped) return;
      stopped = true;
      reject(err);
    };
    source.on('data', (chunk: Buffer) => {
      if (stopped) return;
      try {
        decompressed += chunk.length;
        if (decompressed > limit) throw tooBig(decompressed);
        take(chunk);
      } catch (err) {
        stop(err);
        source.destroy();
      }
    });
    source.on('error', stop);
    source.on('end', () => {
      if (!stopped) {
        stopped = true;
        resolve();
      }
    });
  });
}

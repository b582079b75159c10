/**
 * The files a load reads: folders walked, special files and unreadable folders noted, server
 * names derived from the folders, file-system errors put in words.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BotMapError } from '../errors';
import { printable } from '../html';
import { GzLimitError } from './gz';

export interface FileEntry {
  path: string;
  size: number;
  /** Modification time, epoch ms (null when unknown). */
  mtime: number | null;
  /** Why the entry cannot be read as a file (a FIFO, a socket, a device; a folder that could not be listed). */
  problem?: string;
  /** A newer file of the same rotation group is read after this one (so keep this one's tail). */
  rotatedInto?: boolean;
}

/** What listing the paths given found: the files, and the folders they were given in (for the data root). */
export interface Listing {
  files: FileEntry[];
  /** One per path given, in their order: the path itself for a folder, its folder for a file. */
  folders: string[];
}

/**
 * The files of `paths`: folders walked recursively in name order (hidden entries and
 * documentation skipped, each folder once), a path named twice listed once. A path that does not
 * exist throws a BotMapError.
 */
export async function listFiles(paths: string[]): Promise<Listing> {
  const listing: Listing = { files: [], folders: [] };
  const seen = new Set<string>();
  const visited = new Set<string>();
  for (const given of paths) {
    const abs = path.resolve(given);
    let info;
    try {
      info = await stat(abs);
    } catch (err) {
      throw new BotMapError(`${printable(given)}: cannot read it (${fsErrorText(err)}); give existing files or folders of fail2ban exports.`);
    }
    if (info.isDirectory()) {
      listing.folders.push(abs);
      await walk(abs, listing.files, seen, visited);
    } else {
      listing.folders.push(path.dirname(abs));
      addFile(abs, info, listing.files, seen);
    }
  }
  return listing;
}

/**
 * The server a file's events are attributed to: the first folder under the data root
 * (`data/web1/fail2ban.log` with root `data` → `web1`, also for `data/web1/old/fail2ban.log`).
 * A file directly in the root takes the root folder's own name (`data/sample/fail2ban.log`
 * with root `data/sample` → `sample`). A file outside the root takes its own folder's name.
 */
export function serverName(file: string, root: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(path.resolve(root), abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return path.basename(path.dirname(abs)) || withoutExtensions(abs);
  const parts = rel.split(path.sep);
  if (parts.length > 1) return parts[0];
  return path.basename(path.resolve(root)) || withoutExtensions(abs);
}

function withoutExtensions(file: string): string {
  const name = path.basename(file);
  const dot = name.indexOf('.', 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

function addFile(abs: string, info: Stats | null, files: FileEntry[], seen: Set<string>, problem?: string): void {
  if (seen.has(abs)) return;
  seen.add(abs);
  const kind = info === null || info.isFile() ? undefined : specialKind(info);
  const reason = problem ?? (kind === undefined ? undefined : `${kind}, not a regular file: not read`);
  files.push({ path: abs, size: info !== null && info.isFile() ? info.size : 0, mtime: info?.mtimeMs ?? null, ...(reason === undefined ? {} : { problem: reason }) });
}

/** What a file-system entry that is neither a regular file nor a folder is. */
export function specialKind(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a folder';
  return 'not a file';
}

function skippedInFolder(name: string): boolean {
  return name.startsWith('.') || /^readme/i.test(name) || /\.md$/i.test(name);
}

async function walk(folder: string, files: FileEntry[], seen: Set<string>, visited: Set<string>): Promise<void> {
  // A folder reached twice (a symbolic link to a parent, or to a folder already read) is read once.
  try {
    const info = await stat(folder);
    const key = `${info.dev}:${info.ino}`;
    if (visited.has(key)) return;
    visited.add(key);
  } catch {
    // Listing it below reports the error.
  }
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    addFile(folder, null, files, seen, `this folder could not be listed: ${fsErrorText(err)}; its files were not read`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (skippedInFolder(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      await walk(full, files, seen, visited);
      continue;
    }
    let info: Stats | null = null;
    try {
      // Follows symbolic links: a link to a folder is walked, a link to a file read.
      info = await stat(full);
    } catch {
      // A broken link, or removed since the listing: reading it reports the error.
      info = null;
    }
    if (info !== null && info.isDirectory()) await walk(full, files, seen, visited);
    else addFile(full, info, files, seen);
  }
}

export function commonParent(folders: string[]): string {
  if (folders.length === 0) return process.cwd();
  let common = folders[0].split(path.sep);
  for (const folder of folders.slice(1)) {
    const parts = folder.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A file-system error in words, with its code: "it does not exist (ENOENT: …)". */
export function fsErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message = errorText(err);
  switch (code) {
    case 'ENOENT':
      return `it does not exist: a broken link, or removed after it was listed (${message})`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${message})`;
    case 'EISDIR':
      return `it is a folder (${message})`;
    case 'ELOOP':
      return `a loop of symbolic links (${message})`;
    case 'ENAMETOOLONG':
      return `the path is too long (${message})`;
    case 'EIO':
      return `an input/output error, a failing disk? (${message})`;
    default:
      return message;
  }
}

/** A zlib or read error in words, for a file that stopped part way. */
export function readErrorText(err: unknown, gz: boolean): string {
  if (err instanceof GzLimitError) return err.message;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message = errorText(err);
  if (gz && code === 'Z_BUF_ERROR') return `the compressed data ends early (${message}): the .gz file is truncated; the lines before are counted, an incomplete last line is not`;
  if (gz && (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT' || code === 'Z_STREAM_ERROR')) return `not valid gzip data (${message}): the .gz file is corrupt or not gzip-compressed`;
  if (code !== undefined && code.startsWith('E')) return fsErrorText(err);
  return message;
}

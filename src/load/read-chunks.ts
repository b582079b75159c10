import type { FileHandle } from 'node:fs/promises';

/** Bytes read from a file at a time. */
export const READ_CHUNK = 1 << 20;

/**
 * Reads a file from its start to its end in chunks, the next read already under way while `take`
 * reads a chunk, so that the parser does not wait for the disk. The chunks are two buffers used
 * in turn: `take` must not keep one (or a view of one) after it returns.
 */
export async function readChunks(handle: FileHandle, take: (chunk: Buffer) => void, chunkSize = READ_CHUNK): Promise<void> {
  const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let turn = 0;
  let position = 0;
  const read = () => handle.read(buffers[turn], 0, chunkSize, position);
  let next = read();
  for (;;) {
    const { bytesRead } = await next;
    if (bytesRead === 0) return;
    const chunk = buffers[turn].subarray(0, bytesRead);
    position += bytesRead;
    turn ^= 1;
    next = read();
    try {
      take(chunk);
    } catch (err) {
      // The read under way is not waited for by anyone else: its outcome no longer matters.
      next.catch(() => undefined);
      throw err;
    }
  }
}

/**
 * A copy of `text` that does not keep alive the string it was cut from. V8 makes a slice of 13 or
 * more characters point into its parent, so a short address or name cut from a 1 MiB read chunk
 * and kept (a map key, a remembered prefix) would keep the whole chunk in memory. Joining it to
 * another string and slicing that makes V8 flatten the join into a string of its own first.
 * Shorter strings are always copies already.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

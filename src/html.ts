/**
 * Text that came from logs is attacker-written: user names, jail names, folder (server) names,
 * file names and CSV-given city names are chosen by whoever wrote the log lines. BotMap's policy:
 *
 * - Invalid UTF-8 is decoded to U+FFFD (the replacement character) when the file is read.
 * - Characters that are invisible or that a terminal, an XML parser or a reader would act on are
 *   made visible as `\uXXXX` (six printable characters) where the text enters the pipeline
 *   (`printable`): C0 controls (tab, CR, LF and ESC of ANSI sequences included), DEL, C1
 *   controls, lone UTF-16 surrogates, U+FFFE/U+FFFF (not characters in XML) and the bidirectional
 *   overrides and isolates (U+202A–U+202E, U+2066–U+2069) that can make text read backwards.
 *   So every output — SVG (which must be valid XML 1.0), HTML, CSV, JSON and the terminal —
 *   shows the same text, and `ESC[31m` appears as `\u001b[31m`.
 * - Markup is escaped where text is written into HTML or SVG (`escapeHtml`; the charts' DOM
 *   escapes text content itself), and CSV cells that a spreadsheet would run as formulas are
 *   neutralised (`csvCell` in `./export`).
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Controls, DEL, C1 controls, bidi overrides/isolates, non-characters, and lone surrogates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HAS_UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/;

function visibleEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * The text with every control character, lone surrogate, XML non-character and bidirectional
 * override replaced by its visible escape `\uXXXX`; other text unchanged (the same string when
 * there is nothing to replace, which is the common case and cheap).
 */
export function printable(text: string): string {
  if (!HAS_UNPRINTABLE.test(text)) return text;
  return text.replace(UNPRINTABLE, visibleEscape);
}

/** True when `printable` would leave the text as it is. */
export function isPrintable(text: string): boolean {
  return printable(text) === text;
}

/**
 * Escapes text for HTML and XML content and attribute values. Log text is attacker-controlled.
 * Control characters are shown as `\uXXXX` (see `printable`), so what reaches the page is always
 * visible text.
 */
export function escapeHtml(value: unknown): string {
  return printable(String(value ?? '')).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

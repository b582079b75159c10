/** The small pieces of the syslog and sshd grammar, read by hand: spaces, words, addresses, and fail2ban's ` port N` and suffixes. */

export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `\s` of a regular expression: ASCII and Unicode spaces, line breaks, the BOM. */
export function isRegexSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function skipSpace(s: string, p: number): number {
  while (p < s.length && isSpace(s.charCodeAt(p))) p++;
  return p;
}

export function tokenEnd(s: string, p: number): number {
  while (p < s.length && !isSpace(s.charCodeAt(p))) p++;
  return p;
}

/** The word at `at` as an address or host name (brackets and a trailing colon or comma removed), or null. */
export function hostToken(s: string, at: number): string | null {
  const end = tokenEnd(s, at);
  let host = s.slice(at, end);
  while (host.length > 0 && (host.endsWith(',') || host.endsWith(';'))) host = host.slice(0, -1);
  if (host.endsWith(':') && !host.endsWith('::')) host = host.slice(0, -1);
  return host.length > 0 ? host : null;
}

/** fail2ban's `__pref`: `error: ` or `fatal: `, each optionally followed by `PAM: `. */
export function skipPref(s: string, p: number): number {
  if (s.startsWith('error: ', p) || s.startsWith('fatal: ', p)) {
    p += 7;
    if (s.startsWith('PAM: ', p)) p += 5;
  }
  return p;
}

/** fail2ban's `__on_port_opt`: up to two of ` port N` and ` on ADDR`. */
export function portOpt(s: string, p: number): number {
  for (let i = 0; i < 2; i++) {
    if (s.startsWith(' port ', p)) {
      let q = p + 6;
      while (q < s.length && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++;
      if (q === p + 6) break;
      p = q;
    } else if (s.startsWith(' on ', p)) {
      const q = tokenEnd(s, p + 4);
      if (q === p + 4) break;
      p = q;
    } else {
      break;
    }
  }
  return p;
}

/** ` ssh2`, ` ssh1`, ` ssh`. */
export function sshVersion(s: string, p: number): number {
  if (!s.startsWith(' ssh', p)) return p;
  let q = p + 4;
  while (q < s.length && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++;
  return q === s.length || isSpace(s.charCodeAt(q)) || s.charCodeAt(q) === 58 ? q : p;
}

/** fail2ban's `__suff$`: up to three of ` port N`, ` on ADDR`, ` [preauth]`, then only spaces. */
export function suffixToEnd(s: string, p: number): boolean {
  for (let i = 0; i < 3; i++) {
    if (s.startsWith(' [preauth]', p)) p += 10;
    else {
      const q = portOpt(s, p);
      if (q === p) break;
      p = q;
      i++;
    }
  }
  return skipSpace(s, p) >= s.length;
}

/**
 * The host token at `at` and where the text after it (and an optional `port N`) goes on: a host
 * written with its colon glued on (`HOST:`) ends there, without the colon.
 */
export function hostThenPort(s: string, at: number): { host: string; p: number } {
  const hostEnd = tokenEnd(s, at);
  const host = s.slice(at, hostEnd);
  return host.endsWith(':') ? { host: host.slice(0, -1), p: hostEnd - 1 } : { host, p: portOpt(s, hostEnd) };
}

/**
 * Which sshd messages are failed logins, decided as fail2ban's `sshd` filter decides in its
 * `aggressive` mode (normal + ddos + extra), including its multi-line logic:
 *
 * - Some messages are failures that name the address (`Failed password for root from 192.0.2.1 port 22 ssh2`).
 * - Some are failures without an address (`Disconnecting: Too many authentication failures [preauth]`);
 *   they take the address from an earlier message of the same sshd process (same host and pid),
 *   or, when none named it yet, wait for a later one ("pending").
 * - Some are not failures but remember the address for the process (`Connection from …`,
 *   `pam_unix(sshd:auth): authentication failure; … rhost=…`, `Failed publickey` for a valid
 *   user). Such a message becomes a failure when the same process already had a pending
 *   failure or has tried more than one user name.
 * - `Accepted …` ends the process's record; it is a failure only when the process tried other user names first.
 * - Closing messages (`Connection closed by … [preauth]`, `Received disconnect …`) end the record.
 *
 * The patterns are re-implemented by hand, with cheap prefix checks before any regular
 * expression; `npm run conformance` measures agreement with fail2ban's annotated samples. The
 * commonest shapes of the commonest messages are read first by one sticky regular expression
 * each, taken only where it gives what the steps after it would give (and where it might not,
 * the line is left to those steps).
 */
import { detached } from '../../detached';

/** What one message says. */
export enum Verdict {
  /** Not a message the filter knows. */
  None = 0,
  /** A failure (with or without an address). */
  Fail = 1,
  /** Not a failure, but names the address or user for the process ("nofail"). */
  NoFail = 2,
  /** A successful login (`Accepted`). */
  Gained = 3,
}

/** The classification of one message; reused between calls. */
export class SshdMessage {
  verdict: Verdict = Verdict.None;
  host: string | null = null;
  user: string | null = null;
  /** The message ends the process's record (disconnect, close, accepted). */
  forget = false;
  /** How many attempts the line stands for (`message repeated N times: [ … ]`). */
  repeat = 1;

  private set(verdict: Verdict, host: string | null, user: string | null, forget: boolean): boolean {
    this.verdict = verdict;
    this.host = host;
    this.user = user;
    this.forget = forget;
    return true;
  }

  /** Classifies the message of `line` starting at `at`. Returns false for `Verdict.None`. */
  classify(line: string, at: number): boolean {
    this.verdict = Verdict.None;
    this.host = null;
    this.user = null;
    this.forget = false;
    this.repeat = 1;
    let end = line.length;
    while (end > at && isSpace(line.charCodeAt(end - 1))) end--;
    let p = at;
    if (line.startsWith('message repeated ', p)) {
      // `message repeated N times: [`, then spaces (`\s*`), before `end`.
      let q = p + 17;
      while (q < end && isDigitCode(line.charCodeAt(q))) q++;
      if (q === p + 17 || end - q < 9 || !line.startsWith(' times: [', q)) return false;
      this.repeat = Math.max(1, Math.min(Number(line.slice(p + 17, q)), 1_000_000));
      p = q + 9;
      while (p < end && isRegexSpace(line.charCodeAt(p))) p++;
      end = line.lastIndexOf(']', end - 1);
      if (end < p) return false;
      while (end > p && isSpace(line.charCodeAt(end - 1))) end--;
    }
    p = skipPref(line, p);
    const text = p === 0 && end === line.length ? line : line.slice(p, end);
    return this.content(text);
  }

  /** The patterns, tried in fail2ban's order; `s` is the message without `error: `/`fatal: [PAM: ]`. */
  private content(s: string): boolean {
    switch (s.charCodeAt(0)) {
      case 65 /* A */:
        if (s.startsWith('Accepted ')) return this.accepted(s);
        if (s.startsWith('Authentication ')) return this.authFailure(s, 15);
        return false;
      case 97 /* a */:
        if (s.startsWith('authentication ')) return this.authFailure(s, 15);
        return false;
      case 85 /* U */:
        if (s.startsWith(USER_NOT_KNOWN)) return this.lazyFromSuff(s, USER_NOT_KNOWN.length, false);
        if (s.startsWith('User ')) return this.userNotAllowed(s);
        if (s.startsWith('Unable to negotiate ')) return this.unableToNegotiate(s);
        return false;
      case 70 /* F */:
        if (s.startsWith('Failed ')) return this.failed(s);
        return false;
      case 82 /* R */:
        if (s.startsWith('ROOT LOGIN REFUSED')) return this.rootRefused(s);
        if (s.startsWith('Received disconnect from ')) return this.receivedDisconnect(s);
        if (s.startsWith('Read from socket failed: Connection reset by peer')) return this.set(Verdict.Fail, null, null, true);
        return false;
      case 73 /* I */:
      case 105 /* i */:
        if (s.startsWith('nvalid user ', 1) || s.startsWith('llegal user ', 1)) return this.invalidUser(s);
        return false;
      case 114 /* r */:
        if (s.startsWith('refused connect from ')) return this.refusedConnect(s);
        return false;
      case 112 /* p */:
        if (s.startsWith('pam_')) return this.pam(s);
        return false;
      case 109 /* m */:
        if (s.startsWith(MAX_ATTEMPTS)) return this.lazyFromSuff(s, MAX_ATTEMPTS.length, true);
        return false;
      case 68 /* D */:
        // These beginnings exclude each other: the commonest is tried first.
        if (s.startsWith('Disconnected ')) return this.closed(s, 'Disconnected '.length);
        if (s.startsWith(TOO_MANY)) return this.tooMany(s);
        if (s.startsWith('Disconnecting ')) return this.changeOfUser(s);
        if (s.startsWith(NO_IDENTIFICATION)) return this.hostAt(s, NO_IDENTIFICATION.length);
        return false;
      case 67 /* C */:
        if (s.startsWith('Connection closed ')) return this.closed(s, 'Connection closed '.length);
        if (s.startsWith('Connection reset ')) return this.closed(s, 'Connection reset '.length);
        if (s.startsWith('Connection from ')) {
          const host = hostToken(s, 16);
          return host !== null && this.set(Verdict.NoFail, host, null, false);
        }
        return false;
      case 107 /* k */:
        if (KEX.test(s)) return this.set(Verdict.Fail, null, null, false);
        return false;
      case 66 /* B */:
        if (s.startsWith("Bad protocol version identification '")) return this.badProtocol(s);
        return false;
      case 83 /* S */:
        if (s.startsWith('SSH: Server;Ltype: ')) return this.libsshProbe(s);
        return false;
      case 98 /* b */:
      case 115 /* s */:
        if (s.startsWith('banner exchange: Connection from ') || s.startsWith('ssh_dispatch_run_fatal: Connection from ')) return this.probe(s);
        return false;
      case 84 /* T */:
        if (s.startsWith(TIMEOUT)) {
          const at = s.startsWith('connection from ', TIMEOUT.length) ? TIMEOUT.length + 16 : TIMEOUT.length;
          return this.hostAt(s, at);
        }
        return false;
      case 110 /* n */:
        if (NO_MATCHING.test(s)) return this.set(Verdict.Fail, null, null, false);
        return false;
    }
    return false;
  }

  private hostAt(s: string, at: number): boolean {
    const host = hostToken(s, at);
    return host !== null && this.set(Verdict.Fail, host, null, false);
  }

  /** `Invalid user USER from HOST SUFF$` (or `invalid`, `Illegal`, `illegal`). */
  private invalidUser(s: string): boolean {
    // Most are `… USER from HOST[ port N]` with a one-word user, read as `lazyFromSuff` would.
    INVALID_USER.lastIndex = 13;
    const m = INVALID_USER.exec(s);
    if (m !== null) return this.set(Verdict.Fail, m[2], m[1], false);
    return this.lazyFromSuff(s, 13, false);
  }

  /** `[aA]uthentication (failure|error|failed) for USER from HOST( via \S+)?SUFF$`. */
  private authFailure(s: string, at: number): boolean {
    const kind = s.startsWith('failure for ', at) ? 12 : s.startsWith('error for ', at) ? 10 : s.startsWith('failed for ', at) ? 11 : 0;
    if (kind === 0) return false;
    return this.lazyFromSuff(s, at + kind, false, true);
  }

  /**
   * `… for USER from HOST SUFF$` with a lazy user: the first ` from ` after which the rest is an
   * address and the allowed suffix (ports, `[preauth]`; `via HOST` when `via`).
   */
  private lazyFromSuff(s: string, userStart: number, sshSuffix: boolean, via = false): boolean {
    let user = userStart;
    if (sshSuffix && s.startsWith('invalid user ', user)) user += 13;
    let from = s.indexOf(' from ', user);
    while (from >= 0) {
      const hostStart = from + 6;
      const hostEnd = tokenEnd(s, hostStart);
      if (hostEnd > hostStart) {
        let rest = hostEnd;
        if (via && s.startsWith(' via ', rest)) {
          const viaEnd = tokenEnd(s, rest + 5);
          if (viaEnd > rest + 5) rest = viaEnd;
        }
        if (sshSuffix) {
          rest = portOpt(s, rest);
          rest = sshVersion(s, rest);
        }
        if (suffixToEnd(s, rest)) {
          return this.set(Verdict.Fail, s.slice(hostStart, hostEnd), s.slice(user, Math.max(user, from)), false);
        }
      }
      from = s.indexOf(' from ', from + 1);
    }
    return false;
  }

  /** `User USER from HOST not allowed because …` and `User USER not allowed because account is locked`. */
  private userNotAllowed(s: string): boolean {
    const because = s.indexOf(' not allowed because ', 5);
    if (because < 0) return false;
    const reason = because + 21;
    if (s.startsWith('account is locked', reason)) return this.set(Verdict.Fail, null, s.slice(5, because), false);
    let matched = -1;
    for (const r of NOT_ALLOWED_REASONS) {
      if (s.startsWith(r, reason)) {
        matched = reason + r.length;
        break;
      }
    }
    if (matched < 0 || !suffixToEnd(s, matched)) return false;
    const from = s.lastIndexOf(' from ', because);
    if (from < 5 || from + 6 >= because) return false;
    const host = s.slice(from + 6, because);
    if (host.includes(' ')) return false;
    return this.set(Verdict.Fail, host, s.slice(5, from), false);
  }

  /** `Unable to negotiate with HOST PORT: no matching ALG found.` and `Unable to negotiate a ALG`. */
  private unableToNegotiate(s: string): boolean {
    if (s.startsWith('with ', 20)) {
      const hostEnd = tokenEnd(s, 25);
      let host = s.slice(25, hostEnd);
      let p = hostEnd;
      if (host.endsWith(':')) {
        host = host.slice(0, -1);
        p = hostEnd - 1;
      } else {
        p = portOpt(s, p);
      }
      if (host.length === 0 || s.charCodeAt(p) !== 58 || !NO_MATCHING.test(s.slice(skipSpace(s, p + 1)))) return false;
      return this.set(Verdict.Fail, host, null, false);
    }
    if (s.startsWith('a ', 20) && ALG.test(s.slice(22))) return this.set(Verdict.Fail, null, null, false);
    return false;
  }

  /**
   * `Failed METHOD for [invalid user ]USER from HOST[ port N][ sshN]…`, read as fail2ban does so
   * that a user name or a client-sent text holding `from 10.0.0.1 port 22` cannot pick the address:
   * a one-word user followed by `: ` (the key details), else the user up to the only ` from `,
   * else the last ` from `. `Failed publickey` for a valid user is not a failure (a client
   * trying several keys); for an invalid user it is.
   */
  private failed(s: string): boolean {
    // Most are `Failed METHOD for [invalid user ]USER from HOST port N ssh2` with one-word names,
    // read as the steps below would; not a valid user holding `:` nor a host `from`, which they read otherwise.
    FAILED.lastIndex = 7;
    const m = FAILED.exec(s);
    if (m !== null) {
      if (m[2] !== undefined) return this.set(Verdict.Fail, m[4], m[3], false);
      if (!m[3].includes(':') && m[4] !== 'from') return this.set(m[1] === 'publickey' ? Verdict.NoFail : Verdict.Fail, m[4], m[3], false);
    }
    const methodEnd = s.indexOf(' ', 7);
    if (methodEnd <= 7 || !s.startsWith(' for ', methodEnd)) return false;
    const publickey = methodEnd - 7 === 9 && s.startsWith('publickey', 7);
    const start = methodEnd + 5;
    const invalid = s.startsWith('invalid user ', start);
    const userStart = invalid ? start + 13 : start;
    if (invalid) {
      if (this.failedWord(s, userStart, Verdict.Fail)) return true;
      // The user up to the first " from ", and no " from " after the address.
      const from = s.indexOf(' from ', userStart);
      if (from >= 0 && s.indexOf(' from ', from + 6) < 0) {
        const hostEnd = tokenEnd(s, from + 6);
        if (hostEnd > from + 6) return this.set(Verdict.Fail, s.slice(from + 6, hostEnd), s.slice(userStart, Math.max(userStart, from)), false);
      }
    }
    if (this.failedWord(s, start, publickey ? Verdict.NoFail : Verdict.Fail)) return true;
    const from = s.lastIndexOf(' from ');
    if (from <= start) return false;
    const user = s.slice(start, from);
    if (user.includes(':')) return false;
    const hostEnd = tokenEnd(s, from + 6);
    if (hostEnd === from + 6) return false;
    return this.set(publickey ? Verdict.NoFail : Verdict.Fail, s.slice(from + 6, hostEnd), invalid ? user.slice(13) : user, false);
  }

  /** `Failed …` with a one-word user at `from`, closed by `: ` (key details) after the address and port. */
  private failedWord(s: string, from: number, verdict: Verdict): boolean {
    const wordEnd = tokenEnd(s, from);
    if (wordEnd === from || !s.startsWith(' from ', wordEnd)) return false;
    const hostEnd = tokenEnd(s, wordEnd + 6);
    if (hostEnd === wordEnd + 6) return false;
    const p = sshVersion(s, portOpt(s, hostEnd));
    if (!(s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 32)) return false;
    return this.set(verdict, s.slice(wordEnd + 6, hostEnd), s.slice(from, wordEnd), false);
  }

  private rootRefused(s: string): boolean {
    const from = s.lastIndexOf(' FROM ');
    if (from < 0) return false;
    const host = hostToken(s, from + 6);
    return host !== null && this.set(Verdict.Fail, host, 'root', false);
  }

  /** `Received disconnect from HOST[ port N]:CODE: …`: 3 (… Auth fail) and 14 (no authentication methods) fail; 11 names the address. */
  private receivedDisconnect(s: string): boolean {
    // Most are `… HOST port N:11: …` (the client said goodbye), read as the steps below would;
    // not a host ending in `:`, which they read otherwise.
    RECEIVED_BYE.lastIndex = 25;
    const m = RECEIVED_BYE.exec(s);
    if (m !== null && !m[1].endsWith(':')) return this.set(Verdict.NoFail, m[1], null, true);
    const hostStart = 25;
    const hostEnd = tokenEnd(s, hostStart);
    let host = s.slice(hostStart, hostEnd);
    let p: number;
    if (host.endsWith(':')) {
      host = host.slice(0, -1);
      p = hostEnd - 1;
    } else {
      p = portOpt(s, hostEnd);
      // `port 58846:11:` — the colon is glued to the port.
      if (s.charCodeAt(p) !== 58) return false;
    }
    if (host.length === 0 || s.charCodeAt(p) !== 58) return false;
    p = skipSpace(s, p + 1);
    if (s.startsWith('3: ', p)) {
      const fail = s.lastIndexOf(': Auth fail');
      if (fail < p + 1 || !suffixToEnd(s, fail + 11)) return false;
      return this.set(Verdict.Fail, host, null, true);
    }
    if (s.startsWith('11:', p)) return this.set(Verdict.NoFail, host, null, true);
    if (s.startsWith('14: ', p) && /^14: No(?: supported)? authentication methods available/.test(s.slice(p))) {
      return this.set(Verdict.Fail, host, null, true);
    }
    return false;
  }

  private refusedConnect(s: string): boolean {
    const open = s.indexOf(' (', 21);
    if (open < 0) return false;
    const close = s.indexOf(')', open);
    if (close < 0) return false;
    return this.set(Verdict.Fail, s.slice(open + 2, close), null, false);
  }

  /** `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=HOST  user=root`: names the address only. */
  private pam(s: string): boolean {
    const m = PAM.exec(s);
    if (m === null) return false;
    const user = m[3] !== undefined && m[3].length > 0 ? m[3] : m[1].length > 0 ? m[1] : null;
    return this.set(Verdict.NoFail, m[2], user, false);
  }

  private tooMany(s: string): boolean {
    let p = TOO_MANY.length;
    let user: string | null = null;
    if (s.startsWith(' for ', p)) {
      const rest = s.slice(p + 5);
      const m = /^(.*?)(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*$/.exec(rest);
      if (m === null) return false;
      user = m[1];
      p = s.length;
    }
    if (!suffixToEnd(s, p)) return false;
    return this.set(Verdict.Fail, null, user, false);
  }

  /** `Disconnecting[ from] (invalid|authenticating) user USER HOST[ port N]: Change of username or service not allowed: … [preauth]`. */
  private changeOfUser(s: string): boolean {
    const m = CHANGE_OF_USER.exec(s);
    if (m === null) return false;
    return this.set(Verdict.Fail, m[2], m[1], true);
  }

  /**
   * `Connection closed|reset by …`, `Disconnected from …`, optionally with
   * `invalid user USER` / `authenticating user USER`, then the address, ports and `[preauth]`.
   * With `[preauth]` (the login never succeeded) a failure, without it a closing message only.
   */
  private closed(s: string, at: number): boolean {
    // Most are `by|from [invalid|authenticating user USER ]HOST port N[ [preauth]]`, read as the
    // steps below would; not a user `port`, `on` or `from`, which they read otherwise.
    CLOSED.lastIndex = at;
    const m = CLOSED.exec(s);
    if (m !== null) {
      const user = m[1];
      if (user !== 'port' && user !== 'on' && user !== 'from') return this.set(m[3] === undefined ? Verdict.NoFail : Verdict.Fail, m[2], user ?? null, true);
    }
    let p: number;
    if (s.startsWith('by', at)) p = at + 2;
    else if (s.startsWith('from', at)) p = at + 4;
    else return false;
    let end = s.length;
    const preauth = s.endsWith(' [preauth]');
    if (preauth) end -= 10;
    while (end > p && isSpace(s.charCodeAt(end - 1))) end--;
    // Ports and interfaces at the end: ` port N`, ` on ADDR`, up to two.
    for (let i = 0; i < 2; i++) {
      const space = s.lastIndexOf(' ', end - 1);
      if (space < p) break;
      const prev = s.lastIndexOf(' ', space - 1);
      if (prev < p) break;
      const word = s.slice(prev + 1, space);
      if (word === 'port' && /^\d+$/.test(s.slice(space + 1, end))) end = prev;
      else if (word === 'on' && space + 1 < end) end = prev;
      else break;
    }
    const hostSpace = s.lastIndexOf(' ', end - 1);
    if (hostSpace < p) return false;
    const host = s.slice(hostSpace + 1, end);
    if (host.length === 0) return false;
    let middle = s.slice(p, hostSpace + 1);
    if (middle.startsWith(' by ') || middle.startsWith(' from ')) middle = middle.slice(middle.indexOf(' ', 1));
    if (middle.endsWith(' from ')) middle = middle.slice(0, -5);
    let user: string | null = null;
    if (middle !== ' ') {
      if (middle.startsWith(' invalid user ')) user = middle.slice(14, -1);
      else if (middle.startsWith(' authenticating user ')) user = middle.slice(21, -1);
      else return false;
    }
    return this.set(preauth ? Verdict.Fail : Verdict.NoFail, host, user, true);
  }

  /** `Bad protocol version identification '…' [from ]HOST SUFF$`: the last `' ` that leaves an address and suffix. */
  private badProtocol(s: string): boolean {
    let quote = s.lastIndexOf("' ");
    while (quote >= 37) {
      let p = quote + 2;
      if (s.startsWith('from ', p)) p += 5;
      const hostEnd = tokenEnd(s, p);
      if (hostEnd > p && suffixToEnd(s, hostEnd)) return this.set(Verdict.Fail, s.slice(p, hostEnd), null, false);
      quote = s.lastIndexOf("' ", quote - 1);
    }
    return false;
  }

  /** libssh's `SSH: Server;Ltype: Version|Kex|Authname;Remote: HOST-PORT;…`: names the address. */
  private libsshProbe(s: string): boolean {
    const m = /^SSH: Server;Ltype: (?:Authname|Version|Kex);Remote: (\S+)-\d+;[A-Z]\w+:/.exec(s);
    return m !== null && this.set(Verdict.NoFail, m[1], null, false);
  }

  /** `banner exchange: Connection from HOST port N: invalid format`, `ssh_dispatch_run_fatal: Connection from HOST port N: message authentication code incorrect|Connection corrupted [preauth]`. */
  private probe(s: string): boolean {
    const at = s.indexOf('Connection from ') + 16;
    const hostEnd = tokenEnd(s, at);
    let host = s.slice(at, hostEnd);
    let p: number;
    if (host.endsWith(':')) {
      host = host.slice(0, -1);
      p = hostEnd - 1;
    } else {
      p = portOpt(s, hostEnd);
    }
    if (host.length === 0 || !s.startsWith(': ', p)) return false;
    const what = s.slice(p + 2);
    const ok = s.charCodeAt(0) === 98 ? what.startsWith('invalid format') : /^(?:message authentication code incorrect|[Cc]onnection corrupted) \[preauth\]/.test(what);
    return ok && this.set(Verdict.Fail, host, null, false);
  }

  /** `Accepted METHOD for USER from HOST …`: a successful login. */
  private accepted(s: string): boolean {
    const m = /^Accepted \w+ for (\S+) from (\S+)(?:\s|$)/.exec(s);
    return m !== null && this.set(Verdict.Gained, m[2], m[1], true);
  }
}

const USER_NOT_KNOWN = 'User not known to the underlying authentication module for ';
const MAX_ATTEMPTS = 'maximum authentication attempts exceeded for ';
const TOO_MANY = 'Disconnecting: Too many authentication failures';
const NO_IDENTIFICATION = 'Did not receive identification string from ';
const TIMEOUT = 'Timeout before authentication for ';
const KEX = /^kex_exchange_identification: (?:read: )?(?:[Cc]lient sent invalid protocol identifier|[Cc]onnection (?:closed by remote host|reset by peer))/;
const ALG = /^(?:\w+ (?!found\b)){0,2}\w+/;
const NO_MATCHING = /^no matching (?:\w+ (?!found\b)){0,2}\w+ found[.:]/;
const PAM = /^pam_[a-z]+\(sshd:auth\):\s+authentication failure;(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=(\S*)\s+rhost=(\S+)(?:\s+user=(\S*))?(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*$/;
const INVALID_USER = /(\S*) from (\S+)(?: port \d+)?$/y;
const FAILED = /(\S+) for (invalid user )?(\S+) from (\S+) port \d+ ssh2$/y;
const RECEIVED_BYE = /(\S+) port \d+:11:/y;
const CLOSED = /(?:by|from) (?:(?:invalid|authenticating) user (\S+) )?(\S+) port \d+( \[preauth\])?$/y;
const CHANGE_OF_USER = /^Disconnecting(?: from)? (?:invalid|authenticating) user (\S+) (\S+)(?: (?:port \d+|on \S+)){0,2}:\s*Change of username or service not allowed:.*\[preauth\]\s*$/;
const NOT_ALLOWED_REASONS = [
  'not listed in AllowUsers',
  'listed in DenyUsers',
  'not in any group',
  'a group is listed in DenyGroups',
  "none of user's groups are listed in AllowGroups",
];

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `\s` of a regular expression: ASCII and Unicode spaces, line breaks, the BOM. */
function isRegexSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function skipSpace(s: string, p: number): number {
  while (p < s.length && isSpace(s.charCodeAt(p))) p++;
  return p;
}

function tokenEnd(s: string, p: number): number {
  while (p < s.length && !isSpace(s.charCodeAt(p))) p++;
  return p;
}

/** The word at `at` as an address or host name (brackets and a trailing colon or comma removed), or null. */
function hostToken(s: string, at: number): string | null {
  const end = tokenEnd(s, at);
  let host = s.slice(at, end);
  while (host.length > 0 && (host.endsWith(',') || host.endsWith(';'))) host = host.slice(0, -1);
  if (host.endsWith(':') && !host.endsWith('::')) host = host.slice(0, -1);
  return host.length > 0 ? host : null;
}

/** fail2ban's `__pref`: `error: ` or `fatal: `, each optionally followed by `PAM: `. */
function skipPref(s: string, p: number): number {
  if (s.startsWith('error: ', p) || s.startsWith('fatal: ', p)) {
    p += 7;
    if (s.startsWith('PAM: ', p)) p += 5;
  }
  return p;
}

/** fail2ban's `__on_port_opt`: up to two of ` port N` and ` on ADDR`. */
function portOpt(s: string, p: number): number {
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
function sshVersion(s: string, p: number): number {
  if (!s.startsWith(' ssh', p)) return p;
  let q = p + 4;
  while (q < s.length && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++;
  return q === s.length || isSpace(s.charCodeAt(q)) || s.charCodeAt(q) === 58 ? q : p;
}

/** fail2ban's `__suff$`: up to three of ` port N`, ` on ADDR`, ` [preauth]`, then only spaces. */
function suffixToEnd(s: string, p: number): boolean {
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

/** What the tracker decided for one message. */
export enum Outcome {
  /** A failure from `host`. */
  Failure = 1,
  /** Not a failure (a helper message, a successful login, or a closing message). */
  NotFailure = 2,
  /** A failure whose address is not known yet: it counts when a later message of the process names it. */
  Pending = 3,
}

interface Connection {
  host: string | null;
  user: string | null;
  /** Distinct user names tried. */
  users: string[] | null;
  nofail: boolean;
  pending: boolean;
  /** Time of the last message, for expiry (NaN when unknown). */
  time: number;
}

const MAX_CONNECTIONS = 10_000;
/** A process's record is forgotten when its next message comes more than this much later. */
const CONNECTION_TTL = 10 * 60_000;

/**
 * fail2ban's multi-line merge ("mlfid"): one record per sshd process, keyed by host name and
 * program with pid (the text, or a number standing for it: see `SyslogPrefixReader.connectionKey`).
 * `host` and `user` are set after `Outcome.Failure`, for the caller to use at once: they may be
 * slices of the message's line.
 */
export class SshdTracker {
  private readonly connections = new Map<string | number, Connection>();
  host = '';
  user: string | null = null;

  clear(): void {
    this.connections.clear();
  }

  /** Merges one classified message of process `key` at `time` (null when unknown). */
  feed(key: string | number, m: SshdMessage, time: number | null): Outcome {
    const t = time ?? Number.NaN;
    const nofail = m.verdict === Verdict.NoFail || m.verdict === Verdict.Gained;
    let entry = this.connections.get(key);
    if (entry !== undefined && !Number.isNaN(t) && !Number.isNaN(entry.time) && t - entry.time > CONNECTION_TTL) {
      this.connections.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      if (m.forget) {
        // A record that ends with its first message is not kept: its strings need no copies.
        if (nofail) return Outcome.NotFailure;
        if (m.host === null) return Outcome.Pending;
        this.host = m.host;
        this.user = m.user;
        return Outcome.Failure;
      }
      entry = {
        host: m.host === null ? null : detached(m.host),
        user: m.user === null ? null : detached(m.user),
        users: null,
        nofail,
        pending: false,
        time: t,
      };
      addUser(entry, m.user);
      if (this.connections.size >= MAX_CONNECTIONS) {
        const oldest = this.connections.keys().next().value;
        if (oldest !== undefined) this.connections.delete(oldest);
      }
      this.connections.set(typeof key === 'string' ? detached(key) : key, entry);
      return this.outcome(entry, false);
    }
    const users = addUser(entry, m.user);
    if (m.verdict === Verdict.Gained) entry.pending = false;
    if (m.forget) {
      this.connections.delete(key);
      // The record is dropped: it may hold the message's own strings.
      if (m.host !== null) entry.host = m.host;
      if (m.user !== null) entry.user = m.user;
    } else {
      // Strings kept in the record are copies; an unchanged one is not copied again.
      if (m.host !== null && m.host !== entry.host) entry.host = detached(m.host);
      if (m.user !== null && m.user !== entry.user) entry.user = detached(m.user);
    }
    entry.nofail = nofail;
    entry.time = t;
    return this.outcome(entry, users > 1);
  }

  private outcome(entry: Connection, severalUsers: boolean): Outcome {
    const wasPending = entry.pending;
    entry.pending = false;
    if (wasPending || severalUsers) entry.nofail = false;
    if (entry.nofail) return Outcome.NotFailure;
    if (entry.host === null) {
      entry.pending = true;
      return Outcome.Pending;
    }
    this.host = entry.host;
    this.user = entry.user;
    return Outcome.Failure;
  }
}

/** Adds a user name tried by the process; returns how many distinct names it tried (0 for none). */
function addUser(entry: Connection, user: string | null): number {
  if (user !== null && user.length > 0) {
    if (entry.users === null) entry.users = [detached(user)];
    else if (entry.users.length < 100 && !entry.users.includes(user)) entry.users.push(detached(user));
  }
  return entry.users === null ? 0 : entry.users.length;
}

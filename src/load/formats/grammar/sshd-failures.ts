/** sshd messages that are failed logins: the user and address they name (fail2ban's `sshd` filter, `normal` and `extra`). */
import type { SshdMessage } from './sshd';
import { Verdict } from './sshd-verdict';
import { hostToken, portOpt, sshVersion, suffixToEnd, tokenEnd } from './tokens';

export const TOO_MANY = 'Disconnecting: Too many authentication failures';
const PAM_MODULE = /^pam_[a-z]+\(sshd:auth\):\s+/;
const PAM_BODY = /^authentication failure;(?:\s+(?:(?:logname|e?uid|tty)=\S*)){0,4}\s+ruser=(\S*)\s+rhost=(\S+)(?:\s+user=(\S*))?(?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*$/;
const INVALID_USER = /(\S*) from (\S+)(?: port \d+)?$/y;
const FAILED = /(\S+) for (invalid user )?(\S+) from (\S+) port \d+ ssh2$/y;
const NOT_ALLOWED_REASONS = [
  'not listed in AllowUsers',
  'listed in DenyUsers',
  'not in any group',
  'a group is listed in DenyGroups',
  "none of user's groups are listed in AllowGroups",
];

/** `Invalid user USER from HOST SUFF$` (or `invalid`, `Illegal`, `illegal`). */
export function invalidUser(msg: SshdMessage, s: string): boolean {
  // Most are `… USER from HOST[ port N]` with a one-word user, read as `lazyFromSuff` would.
  INVALID_USER.lastIndex = 13;
  const m = INVALID_USER.exec(s);
  if (m !== null) return msg.set(Verdict.Fail, m[2], m[1], false);
  return lazyFromSuff(msg, s, 13, false);
}

/** `[aA]uthentication (failure|error|failed) for USER from HOST( via \S+)?SUFF$`. */
export function authFailure(msg: SshdMessage, s: string, at: number): boolean {
  const kind = s.startsWith('failure for ', at) ? 12 : s.startsWith('error for ', at) ? 10 : s.startsWith('failed for ', at) ? 11 : 0;
  if (kind === 0) return false;
  return lazyFromSuff(msg, s, at + kind, false, true);
}

/**
 * `… for USER from HOST SUFF$` with a lazy user: the first ` from ` after which the rest is an
 * address and the allowed suffix (ports, `[preauth]`; `via HOST` when `via`).
 */
export function lazyFromSuff(msg: SshdMessage, s: string, userStart: number, sshSuffix: boolean, via = false): boolean {
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
        return msg.set(Verdict.Fail, s.slice(hostStart, hostEnd), s.slice(user, Math.max(user, from)), false);
      }
    }
    from = s.indexOf(' from ', from + 1);
  }
  return false;
}

/** `User USER from HOST not allowed because …` and `User USER not allowed because account is locked`. */
export function userNotAllowed(msg: SshdMessage, s: string): boolean {
  const because = s.indexOf(' not allowed because ', 5);
  if (because < 0) return false;
  const reason = because + 21;
  if (s.startsWith('account is locked', reason)) return msg.set(Verdict.Fail, null, s.slice(5, because), false);
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
  return msg.set(Verdict.Fail, host, s.slice(5, from), false);
}

/**
 * `Failed METHOD for [invalid user ]USER from HOST[ port N][ sshN]…`, read as fail2ban does so
 * that a user name or a client-sent text holding `from 10.0.0.1 port 22` cannot pick the address:
 * a one-word user followed by `: ` (the key details), else the user up to the only ` from `,
 * else the last ` from `. `Failed publickey` for a valid user is not a failure (a client
 * trying several keys); for an invalid user it is.
 */
export function failed(msg: SshdMessage, s: string): boolean {
  // Most are `Failed METHOD for [invalid user ]USER from HOST port N ssh2` with one-word names,
  // read as the steps below would; not a valid user holding `:` nor a host `from`, which they read otherwise.
  FAILED.lastIndex = 7;
  const m = FAILED.exec(s);
  if (m !== null) {
    if (m[2] !== undefined) return msg.set(Verdict.Fail, m[4], m[3], false);
    if (!m[3].includes(':') && m[4] !== 'from') return msg.set(m[1] === 'publickey' ? Verdict.NoFail : Verdict.Fail, m[4], m[3], false);
  }
  const methodEnd = s.indexOf(' ', 7);
  if (methodEnd <= 7 || !s.startsWith(' for ', methodEnd)) return false;
  const publickey = methodEnd - 7 === 9 && s.startsWith('publickey', 7);
  const start = methodEnd + 5;
  const invalid = s.startsWith('invalid user ', start);
  const userStart = invalid ? start + 13 : start;
  if (invalid) {
    if (failedWord(msg, s, userStart, Verdict.Fail)) return true;
    // The user up to the first " from ", and no " from " after the address.
    const from = s.indexOf(' from ', userStart);
    if (from >= 0 && s.indexOf(' from ', from + 6) < 0) {
      const hostEnd = tokenEnd(s, from + 6);
      if (hostEnd > from + 6) return msg.set(Verdict.Fail, s.slice(from + 6, hostEnd), s.slice(userStart, Math.max(userStart, from)), false);
    }
  }
  if (failedWord(msg, s, start, publickey ? Verdict.NoFail : Verdict.Fail)) return true;
  const from = s.lastIndexOf(' from ');
  if (from <= start) return false;
  const user = s.slice(start, from);
  if (user.includes(':')) return false;
  const hostEnd = tokenEnd(s, from + 6);
  if (hostEnd === from + 6) return false;
  return msg.set(publickey ? Verdict.NoFail : Verdict.Fail, s.slice(from + 6, hostEnd), invalid ? user.slice(13) : user, false);
}

/** `Failed …` with a one-word user at `from`, closed by `: ` (key details) after the address and port. */
export function failedWord(msg: SshdMessage, s: string, from: number, verdict: Verdict): boolean {
  const wordEnd = tokenEnd(s, from);
  if (wordEnd === from || !s.startsWith(' from ', wordEnd)) return false;
  const hostEnd = tokenEnd(s, wordEnd + 6);
  if (hostEnd === wordEnd + 6) return false;
  const p = sshVersion(s, portOpt(s, hostEnd));
  if (!(s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 32)) return false;
  return msg.set(verdict, s.slice(wordEnd + 6, hostEnd), s.slice(from, wordEnd), false);
}

export function rootRefused(msg: SshdMessage, s: string): boolean {
  const from = s.lastIndexOf(' FROM ');
  if (from < 0) return false;
  const host = hostToken(s, from + 6);
  return host !== null && msg.set(Verdict.Fail, host, 'root', false);
}

export function refusedConnect(msg: SshdMessage, s: string): boolean {
  const open = s.indexOf(' (', 21);
  if (open < 0) return false;
  const close = s.indexOf(')', open);
  if (close < 0) return false;
  return msg.set(Verdict.Fail, s.slice(open + 2, close), null, false);
}

/** `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=HOST  user=root`: names the address only. */
export function pam(msg: SshdMessage, s: string): boolean {
  const module = PAM_MODULE.exec(s);
  return module !== null && pamBody(msg, s.slice(module[0].length));
}

/** PAM's `authentication failure; … ruser=U rhost=HOST [user=U]`, after `pam_unix(sshd:auth): ` or from the old `sshd(pam_unix)[pid]:`. */
export function pamBody(msg: SshdMessage, s: string): boolean {
  const m = PAM_BODY.exec(s);
  if (m === null) return false;
  const user = m[3] !== undefined && m[3].length > 0 ? m[3] : m[1].length > 0 ? m[1] : null;
  msg.pam = true;
  return msg.set(Verdict.NoFail, m[2], user, false);
}

export function tooMany(msg: SshdMessage, s: string): boolean {
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
  return msg.set(Verdict.Fail, null, user, false);
}

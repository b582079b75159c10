/** sshd messages that end a connection's record: closes, disconnects, a change of user, a successful login. */
import type { SshdMessage } from './sshd';
import { Rule, Verdict } from './sshd-verdict';
import { hostThenPort, isSpace, skipSpace, suffixToEnd } from './tokens';

const RECEIVED_BYE = /(\S+) port \d+:11:/y;
const CLOSED = /(?:by|from) (?:(?:invalid|authenticating) user (\S+) )?(\S+) port \d+( \[preauth\])?$/y;
const CHANGE_OF_USER = /^Disconnecting(?: from)? (?:invalid|authenticating) user (\S+) (\S+)(?: (?:port \d+|on \S+)){0,2}:\s*Change of username or service not allowed:.*\[preauth\]\s*$/;

/**
 * `Connection closed|reset by …`, `Disconnected from …`, optionally with
 * `invalid user USER` / `authenticating user USER`, then the address, ports and `[preauth]`.
 * With `[preauth]` (the login never succeeded) a failure, without it a closing message only.
 */
export function closed(msg: SshdMessage, s: string, at: number): boolean {
  // Most are `by|from [invalid|authenticating user USER ]HOST port N[ [preauth]]`, read as the
  // steps below would; not a user `port`, `on` or `from`, which they read otherwise.
  CLOSED.lastIndex = at;
  const m = CLOSED.exec(s);
  if (m !== null) {
    const user = m[1];
    if (user !== 'port' && user !== 'on' && user !== 'from') return msg.set(m[3] === undefined ? Verdict.NoFail : Verdict.Fail, m[2], user ?? null, true);
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
  return msg.set(preauth ? Verdict.Fail : Verdict.NoFail, host, user, true);
}

/** `Received disconnect from HOST[ port N]:CODE: …`: 3 (… Auth fail) and 14 (no authentication methods) fail; 11 names the address. */
export function receivedDisconnect(msg: SshdMessage, s: string): boolean {
  // Most are `… HOST port N:11: …` (the client said goodbye), read as the steps below would;
  // not a host ending in `:`, which they read otherwise.
  RECEIVED_BYE.lastIndex = 25;
  const m = RECEIVED_BYE.exec(s);
  if (m !== null && !m[1].endsWith(':')) return msg.set(Verdict.NoFail, m[1], null, true);
  // `port 58846:11:` — the colon is glued to the port, or to the host.
  const { host, p: colon } = hostThenPort(s, 25);
  if (host.length === 0 || s.charCodeAt(colon) !== 58) return false;
  const p = skipSpace(s, colon + 1);
  if (s.startsWith('3: ', p)) {
    const fail = s.lastIndexOf(': Auth fail');
    if (fail < p + 1 || !suffixToEnd(s, fail + 11)) return false;
    return msg.set(Verdict.Fail, host, null, true);
  }
  if (s.startsWith('11:', p)) return msg.set(Verdict.NoFail, host, null, true);
  if (s.startsWith('14: ', p) && /^14: No(?: supported)? authentication methods available/.test(s.slice(p))) {
    msg.rule = Rule.Extra;
    return msg.set(Verdict.Fail, host, null, true);
  }
  return false;
}

/** `Disconnecting[ from] (invalid|authenticating) user USER HOST[ port N]: Change of username or service not allowed: … [preauth]`. */
export function changeOfUser(msg: SshdMessage, s: string): boolean {
  const m = CHANGE_OF_USER.exec(s);
  if (m === null) return false;
  return msg.set(Verdict.Fail, m[2], m[1], true);
}

/**
 * `Accepted METHOD for USER from HOST …`: a successful login; METHOD `password`, `publickey`,
 * `hostbased`, `keyboard-interactive/pam`, `gssapi-with-mic`…
 */
export function accepted(msg: SshdMessage, s: string): boolean {
  const m = /^Accepted [\w-]+(?:\/[\w-]+)? for (\S+) from (\S+)(?:\s|$)/.exec(s);
  return m !== null && msg.set(Verdict.Gained, m[2], m[1], true);
}

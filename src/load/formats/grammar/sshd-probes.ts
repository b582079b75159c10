/** sshd messages of scanners and probes (fail2ban's `sshd` filter, `ddos` and `aggressive`): the address they name. */
import type { SshdMessage } from './sshd';
import { Verdict } from './sshd-verdict';
import { hostThenPort, hostToken, portOpt, skipSpace, suffixToEnd, tokenEnd } from './tokens';

const ALG = /^(?:\w+ (?!found\b)){0,2}\w+/;
export const NO_MATCHING = /^no matching (?:\w+ (?!found\b)){0,2}\w+ found[.:]/;

export function hostAt(msg: SshdMessage, s: string, at: number): boolean {
  const host = hostToken(s, at);
  return host !== null && msg.set(Verdict.Fail, host, null, false);
}

/** `Unable to negotiate with HOST PORT: no matching ALG found.` and `Unable to negotiate a ALG`. */
export function unableToNegotiate(msg: SshdMessage, s: string): boolean {
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
    return msg.set(Verdict.Fail, host, null, false);
  }
  if (s.startsWith('a ', 20) && ALG.test(s.slice(22))) return msg.set(Verdict.Fail, null, null, false);
  return false;
}

/** `Bad protocol version identification '…' [from ]HOST SUFF$`: the last `' ` that leaves an address and suffix. */
export function badProtocol(msg: SshdMessage, s: string): boolean {
  let quote = s.lastIndexOf("' ");
  while (quote >= 37) {
    let p = quote + 2;
    if (s.startsWith('from ', p)) p += 5;
    const hostEnd = tokenEnd(s, p);
    if (hostEnd > p && suffixToEnd(s, hostEnd)) return msg.set(Verdict.Fail, s.slice(p, hostEnd), null, false);
    quote = s.lastIndexOf("' ", quote - 1);
  }
  return false;
}

/** libssh's `SSH: Server;Ltype: Version|Kex|Authname;Remote: HOST-PORT;…`: names the address. */
export function libsshProbe(msg: SshdMessage, s: string): boolean {
  const m = /^SSH: Server;Ltype: (?:Authname|Version|Kex);Remote: (\S+)-\d+;[A-Z]\w+:/.exec(s);
  return m !== null && msg.set(Verdict.NoFail, m[1], null, false);
}

/** `banner exchange: Connection from HOST port N: invalid format`, `ssh_dispatch_run_fatal: Connection from HOST port N: message authentication code incorrect|Connection corrupted [preauth]`. */
export function probe(msg: SshdMessage, s: string): boolean {
  const at = s.indexOf('Connection from ') + 16;
  const { host, p } = hostThenPort(s, at);
  if (host.length === 0 || !s.startsWith(': ', p)) return false;
  const what = s.slice(p + 2);
  const ok = s.charCodeAt(0) === 98 ? what.startsWith('invalid format') : /^(?:message authentication code incorrect|[Cc]onnection corrupted) \[preauth\]/.test(what);
  return ok && msg.set(Verdict.Fail, host, null, false);
}

/**
 * Which sshd messages are failed logins, decided as fail2ban's `sshd` filter decides in its
 * `aggressive` mode (normal + ddos + extra), including its multi-line logic; each message is
 * tagged with its group (`rule`), from which `./sshd-modes` reads it in the other modes:
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
import { Rule, Verdict } from './sshd-verdict';
import { hostToken, isDigitCode, isRegexSpace, isSpace, skipPref } from './tokens';
import { TOO_MANY, authFailure, failed, invalidUser, lazyFromSuff, pam, pamBody, refusedConnect, rootRefused, tooMany, userNotAllowed } from './sshd-failures';
import { accepted, changeOfUser, closed, receivedDisconnect } from './sshd-closing';
import { NO_MATCHING, badProtocol, hostAt, libsshProbe, probe, unableToNegotiate } from './sshd-probes';

export { Rule, Verdict };

/** The classification of one message; reused between calls. */
export class SshdMessage {
  verdict: Verdict = Verdict.None;
  host: string | null = null;
  user: string | null = null;
  /** The message ends the process's record (disconnect, close, accepted). */
  forget = false;
  /** How many attempts the line stands for (`message repeated N times: [ … ]`). */
  repeat = 1;
  /** The group of fail2ban's filter the message belongs to, which decides the modes that count it (see `./sshd-modes`). */
  rule: Rule = Rule.Common;
  /** The message is PAM's `authentication failure; … rhost=…` (see `SshdReader`). */
  pam = false;

  set(verdict: Verdict, host: string | null, user: string | null, forget: boolean): boolean {
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
    this.rule = Rule.Common;
    this.pam = false;
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

  /** Tags a message read as `ok` with its group. */
  private group(rule: Rule, ok: boolean): boolean {
    if (ok) this.rule = rule;
    return ok;
  }

  /** The patterns, tried in fail2ban's order; `s` is the message without `error: `/`fatal: [PAM: ]`. */
  private content(s: string): boolean {
    switch (s.charCodeAt(0)) {
      case 65 /* A */:
        if (s.startsWith('Accepted ')) return accepted(this, s);
        if (s.startsWith('Authentication ')) return authFailure(this, s, 15);
        return false;
      case 97 /* a */:
        // The old `sshd(pam_unix)[pid]: authentication failure; … rhost=…` (PAM's own program name).
        if (s.startsWith('authentication failure;')) return pamBody(this, s);
        if (s.startsWith('authentication ')) return authFailure(this, s, 15);
        return false;
      case 85 /* U */:
        if (s.startsWith(USER_NOT_KNOWN)) return lazyFromSuff(this, s, USER_NOT_KNOWN.length, false);
        if (s.startsWith('User ')) return userNotAllowed(this, s);
        if (s.startsWith('Unable to negotiate ')) return this.group(Rule.Extra, unableToNegotiate(this, s));
        return false;
      case 70 /* F */:
        if (s.startsWith('Failed ')) return failed(this, s);
        return false;
      case 82 /* R */:
        if (s.startsWith('ROOT LOGIN REFUSED')) return rootRefused(this, s);
        if (s.startsWith('Received disconnect from ')) return receivedDisconnect(this, s);
        if (s.startsWith('Read from socket failed: Connection reset by peer')) return this.group(Rule.Ddos, this.set(Verdict.Fail, null, null, true));
        return false;
      case 73 /* I */:
      case 105 /* i */:
        if (s.startsWith('nvalid user ', 1) || s.startsWith('llegal user ', 1)) return invalidUser(this, s);
        return false;
      case 114 /* r */:
        if (s.startsWith('refused connect from ')) return refusedConnect(this, s);
        return false;
      case 112 /* p */:
        if (s.startsWith('pam_')) return pam(this, s);
        return false;
      case 109 /* m */:
        if (s.startsWith(MAX_ATTEMPTS)) return lazyFromSuff(this, s, MAX_ATTEMPTS.length, true);
        return false;
      case 68 /* D */:
        // These beginnings exclude each other: the commonest is tried first.
        if (s.startsWith('Disconnected ')) return closed(this, s, 'Disconnected '.length) && this.group(this.user !== null ? Rule.DisconnectedUser : Rule.Closing, true);
        if (s.startsWith(TOO_MANY)) return tooMany(this, s);
        if (s.startsWith('Disconnecting ')) return changeOfUser(this, s);
        if (s.startsWith(NO_IDENTIFICATION)) return this.group(Rule.Ddos, hostAt(this, s, NO_IDENTIFICATION.length));
        return false;
      case 67 /* C */:
        if (s.startsWith('Connection closed ')) return this.group(Rule.Closing, closed(this, s, 'Connection closed '.length));
        if (s.startsWith('Connection reset ')) return this.group(Rule.Closing, closed(this, s, 'Connection reset '.length));
        if (s.startsWith('Connection from ')) {
          const host = hostToken(s, 16);
          return host !== null && this.set(Verdict.NoFail, host, null, false);
        }
        return false;
      case 107 /* k */:
        if (KEX.test(s)) return this.group(Rule.Ddos, this.set(Verdict.Fail, null, null, false));
        return false;
      case 66 /* B */:
        if (s.startsWith("Bad protocol version identification '")) return this.group(Rule.Ddos, badProtocol(this, s));
        return false;
      case 83 /* S */:
        if (s.startsWith('SSH: Server;Ltype: ')) return this.group(Rule.Ddos, libsshProbe(this, s));
        return false;
      case 98 /* b */:
      case 115 /* s */:
        if (s.startsWith('banner exchange: Connection from ') || s.startsWith('ssh_dispatch_run_fatal: Connection from ')) return this.group(Rule.Ddos, probe(this, s));
        return false;
      case 84 /* T */:
        if (s.startsWith(TIMEOUT)) {
          const at = s.startsWith('connection from ', TIMEOUT.length) ? TIMEOUT.length + 16 : TIMEOUT.length;
          return this.group(Rule.Ddos, hostAt(this, s, at));
        }
        return false;
      case 110 /* n */:
        if (NO_MATCHING.test(s)) return this.group(Rule.Extra, this.set(Verdict.Fail, null, null, false));
        return false;
    }
    return false;
  }
}

const USER_NOT_KNOWN = 'User not known to the underlying authentication module for ';
const MAX_ATTEMPTS = 'maximum authentication attempts exceeded for ';
const NO_IDENTIFICATION = 'Did not receive identification string from ';
const TIMEOUT = 'Timeout before authentication for ';
const KEX = /^kex_exchange_identification: (?:read: )?(?:[Cc]lient sent invalid protocol identifier|[Cc]onnection (?:closed by remote host|reset by peer))/;

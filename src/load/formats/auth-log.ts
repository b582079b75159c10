import { looksLikeHostname } from '../../locate/address';
import type { InputReport } from '../../types';
import type { SshdMode } from './grammar/sshd-modes';
import { UTC } from '../../time-zone';
import { Fail2banMessages, isFail2banDaemon } from './fail2ban-log';
import { BLANK_LINE, HOSTNAME, NOT_AN_ADDRESS, NULL_CONTEXT, isBlank, mostLines, type Emit, type FormatParser, type LineParser, type LineResult, type ParseContext } from './parser';
import { SshdMessage, Verdict } from './grammar/sshd';
import { applyMode } from './grammar/sshd-modes';
import { Outcome, SshdTracker } from './grammar/sshd-tracker';
import { SyslogPrefixReader, isAuthProgram, isSshd } from './grammar/syslog';

/**
 * sshd's lines in `/var/log/auth.log`, `/var/log/secure` and `journalctl -u ssh` text output
 * (`short`, `short-iso`, `short-precise`, or no time at all):
 * ```
 * Jun 21 16:47:48 host sshd[13709]: Failed password for invalid user admin from 192.0.2.1 port 22 ssh2
 * 2026-10-01T12:00:00.123456+02:00 host sshd-session[1]: Invalid user admin from 192.0.2.1 port 4242
 * Jun 21 16:47:49 host sshd[13709]: message repeated 3 times: [ Failed password for root from 192.0.2.1 port 22 ssh2]
 * Jun 14 15:16:01 host sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.4
 * ```
 * Each failed login is an event of kind `failure` with the user name tried; which lines are
 * failures follows fail2ban's `sshd` filter in the mode given (`ParseContext.sshdMode`, see
 * `./grammar/sshd-modes`), so where sshd logs several lines for one attempt (`Invalid user x
 * from …` and `Failed password for invalid user x from …`) each counts, as fail2ban counts them.
 * `message repeated N times: [ … ]` counts N. A successful login (`Accepted password|publickey|
 * keyboard-interactive/pam for USER from ADDR`) is an event of kind `accepted`: never an attack,
 * it makes its address trusted. fail2ban's own lines in the same file (syslog) are read as in
 * fail2ban-log. Times without a year take it from the file's modification time.
 *
 * PAM's `authentication failure; … rhost=ADDR` (`pam_unix(sshd:auth): …` in sshd's lines, or the
 * old `sshd(pam_unix)[pid]: …`) is a failed attempt of its own only where sshd does not name that
 * attempt: a PAM line after a failure of the same process (same host and pid) from the same
 * address is skipped as the same attempt; one before it is counted at once and withdrawn when
 * that failure comes (`ParseContext.withdraw`: its event leaves the store and the line moves from
 * records to that skip reason), as it is when the process logs in from that address.
 */

export const NOT_SSHD = 'not an sshd line';
export const NOT_A_FAILURE = 'sshd message, not a failure';
export const CONNECTION_MESSAGE = 'sshd message naming the connection, not a failure';
export const PENDING = 'sshd failure without an address (counted when the connection names it)';
export const NOT_SYSLOG = 'not a syslog line';
/** A PAM failure whose attempt sshd's own line of the same process counts. */
export const SAME_ATTEMPT = "PAM failure, the same attempt as sshd's line";
/** A PAM failure of a process that then logged in from the same address. */
export const LOGGED_IN = 'PAM failure before a successful login';

/**
 * The jail of the failures read from sshd's own messages (auth.log, secure, the journal): the
 * name fail2ban's sshd jail has, so a filter by jail takes in fail2ban's bans and sshd's failures
 * together. `sshd-session` and `sshd-auth` (OpenSSH 9.8+) are the same service.
 */
export const SSHD_JAIL = 'sshd';

/**
 * Classifies sshd messages, merges them per sshd process, and emits failures. Shared with
 * the journal JSON format and the conformance script.
 */
export class SshdReader {
  private readonly message = new SshdMessage();
  private readonly tracker = new SshdTracker();

  constructor(private readonly context: ParseContext = NULL_CONTEXT) {}

  /** Reads the sshd message of `line` (line `lineNo` of its file) from `at`, for the process `connection` (its text, or a number standing for it). */
  read(line: string, at: number, connection: string | number, time: number | null, emit: Emit, lineNo: number): LineResult {
    const m = this.message;
    if (!m.classify(line, at)) return NOT_A_FAILURE;
    const notInMode = applyMode(m, this.context.sshdMode);
    if (m.verdict === Verdict.None) return notInMode ?? CONNECTION_MESSAGE;
    // Read before the tracker, which may reuse the message's fields.
    const logins = m.verdict === Verdict.Gained ? this.accepted(m, time, emit) : 0;
    const tracker = this.tracker;
    const outcome = tracker.feed(connection, m, time);
    if (tracker.superseded !== null) {
      const reason = outcome === Outcome.Failure ? SAME_ATTEMPT : LOGGED_IN;
      for (const pamLine of tracker.superseded) this.context.withdraw(pamLine, reason);
    }
    if (outcome === Outcome.NotFailure) {
      if (logins > 0) return logins;
      return m.pam ? this.pamFailure(m, time, emit, lineNo) : (notInMode ?? CONNECTION_MESSAGE);
    }
    if (outcome === Outcome.Pending) return logins > 0 ? logins : PENDING;
    const failed = this.failures(tracker.host, tracker.user, m.repeat, time, emit);
    // A login that fail2ban also counts as a failure (other user names were tried first): both events.
    return logins > 0 ? logins + (typeof failed === 'number' ? failed : 0) : failed;
  }

  /** A PAM failure the sshd filter does not count: a failure of its own unless the process's failure from its address counted already. */
  private pamFailure(m: SshdMessage, time: number | null, emit: Emit, lineNo: number): LineResult {
    const host = m.host!;
    if (this.tracker.failedFrom(host)) return SAME_ATTEMPT;
    const result = this.failures(host, m.user, m.repeat, time, emit);
    if (typeof result === 'number') this.tracker.pamCounted(host, lineNo);
    return result;
  }

  private failures(host: string, user: string | null, repeat: number, time: number | null, emit: Emit): LineResult {
    let n = 0;
    for (let i = 0; i < repeat; i++) {
      if (!emit(host, 'failure', time, SSHD_JAIL, user)) break;
      n++;
    }
    if (n > 0) return n;
    return looksLikeHostname(host) ? HOSTNAME : NOT_AN_ADDRESS;
  }

  /**
   * A successful login (`Accepted METHOD for USER from ADDR`): an event of kind `accepted`, with
   * no jail (it is no jail's business), which makes the address trusted. Returns the events stored.
   */
  private accepted(m: SshdMessage, time: number | null, emit: Emit): number {
    let n = 0;
    if (m.host !== null) for (let i = 0; i < m.repeat && emit(m.host, 'accepted', time, null, m.user); i++) n++;
    return n;
  }

  /** Forgets every process (a new file, or a new section of a sample). */
  reset(): void {
    this.tracker.clear();
  }
}

class AuthLogParser implements LineParser {
  private readonly prefix: SyslogPrefixReader;
  private readonly sshd: SshdReader;
  private readonly fail2ban: Fail2banMessages;

  private readonly sshdMode: SshdMode;

  constructor(context: ParseContext) {
    this.sshdMode = context.sshdMode;
    this.prefix = new SyslogPrefixReader(context.mtime, context.timeZone);
    this.sshd = new SshdReader(context);
    this.fail2ban = new Fail2banMessages(context);
  }

  parseLine(line: string, lineNo: number, emit: Emit): LineResult {
    const prefix = this.prefix;
    if (!prefix.read(line)) return isBlank(line) ? BLANK_LINE : NOT_SYSLOG;
    const daemon = prefix.daemon;
    if (isSshd(daemon)) return this.sshd.read(line, prefix.message, prefix.connectionKey(line), prefix.time, emit, lineNo);
    if (isFail2banDaemon(daemon)) return this.fail2ban.readForwarded(line, prefix.message, prefix.time, daemon, emit);
    return NOT_SSHD;
  }

  finish(report: InputReport): void {
    if (this.fail2ban.ranges > 0) report.ranges = this.fail2ban.ranges;
    report.sshd_mode = this.sshdMode;
  }
}

export const authLog: FormatParser = {
  format: 'auth-log',
  /**
   * At least half of the lines are syslog lines, and one of them is from sshd or from another
   * program that writes to the auth log (sudo, cron, systemd-logind, …).
   */
  detect(lines) {
    const prefix = new SyslogPrefixReader(null, UTC);
    return mostLines(lines, (line) => prefix.read(line)) && lines.some((line) => prefix.read(line) && isAuthProgram(prefix.daemon));
  },
  begin(context = NULL_CONTEXT) {
    return new AuthLogParser(context);
  },
};

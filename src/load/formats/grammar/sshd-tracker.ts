import { detached } from '../../detached';
import type { SshdMessage } from './sshd';
import { Verdict } from './sshd-verdict';

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
  /** The address the process's last failure was counted from; null before one. */
  failedFrom: string | null;
  /** PAM lines of the process counted as failures from `pamHost` (see `SshdTracker.pamCounted`); null for none. */
  pamHost: string | null;
  pamLines: number[] | null;
}

/** PAM lines of one process that a later failure can still take over; beyond, the oldest stay counted. */
const PAM_LINES_KEPT = 16;

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
  /**
   * After `feed`: the lines of PAM failures that the message takes over (a failure from the same
   * address, or a login from it), which are no longer to count; null for none.
   */
  superseded: number[] | null = null;
  /** After `feed`: the process's record, null when the message ended it or it was not kept. */
  private current: Connection | null = null;

  clear(): void {
    this.connections.clear();
    this.current = null;
  }

  /** True when a failure of the current process (the last `feed`) was counted from `host`: a PAM line from it is the same attempt. */
  failedFrom(host: string): boolean {
    return this.current !== null && this.current.failedFrom === host;
  }

  /** Records that the current process's PAM line `line` was counted as failures from `host`, which a later failure from it takes over. */
  pamCounted(host: string, line: number): void {
    const entry = this.current;
    if (entry === null) return;
    if (entry.pamLines === null || entry.pamHost !== host) {
      entry.pamHost = detached(host);
      entry.pamLines = [line];
    } else {
      if (entry.pamLines.length >= PAM_LINES_KEPT) entry.pamLines.shift();
      entry.pamLines.push(line);
    }
  }

  /** Merges one classified message of process `key` at `time` (null when unknown). */
  feed(key: string | number, m: SshdMessage, time: number | null): Outcome {
    this.superseded = null;
    this.current = null;
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
        failedFrom: null,
        pamHost: null,
        pamLines: null,
      };
      addUser(entry, m.user);
      if (this.connections.size >= MAX_CONNECTIONS) {
        const oldest = this.connections.keys().next().value;
        if (oldest !== undefined) this.connections.delete(oldest);
      }
      this.connections.set(typeof key === 'string' ? detached(key) : key, entry);
      this.current = entry;
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
      this.current = entry;
    }
    entry.nofail = nofail;
    entry.time = t;
    const outcome = this.outcome(entry, users > 1);
    if (entry.pamLines !== null && !m.pam && (outcome === Outcome.Failure || m.verdict === Verdict.Gained) && entry.host === entry.pamHost) {
      // sshd's own failure or login from the address PAM named: the PAM lines were that attempt, or
      // a first method failing before another succeeds (pam_unix, then pam_ldap): not failures of
      // their own. (Another PAM line is another attempt, even where several user names make it count.)
      this.superseded = entry.pamLines;
      entry.pamLines = null;
    }
    return outcome;
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
    if (entry.failedFrom !== entry.host) entry.failedFrom = entry.host;
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

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

/**
 * Which group of fail2ban's `sshd` filter a message belongs to, for the modes (see `./sshd-modes`):
 * every mode reads the common messages; the others only some modes read, or read otherwise.
 */
export enum Rule {
  /** fail2ban's `cmnfailre` and its helpers: read in every mode. */
  Common = 0,
  /** Scanners and probes (`mdre-ddos`): no identification string, bad protocol, timeouts, kex errors. */
  Ddos = 1,
  /** No common algorithm or authentication method (`mdre-extra`). */
  Extra = 2,
  /** `Connection closed|reset …`, `Disconnected …` without a user named (`mdre-<mode>-other`). */
  Closing = 3,
  /** `Disconnected from invalid|authenticating user …` (also `mdre-extra-other`). */
  DisconnectedUser = 4,
}

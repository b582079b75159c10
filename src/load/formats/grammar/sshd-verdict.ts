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

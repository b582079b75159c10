/**
 * fail2ban's `sshd` filter has four modes (its `mode` parameter): `normal` (its default) reads
 * failed logins; `ddos` adds scanners and probes and counts a connection closed before login;
 * `extra` adds clients that share no algorithm or method with the server and a named user who
 * disconnects before login; `aggressive` reads all of them. BotMap classifies every message as
 * `aggressive` would (see `./sshd`), tagged with its group (`Rule`), and the mode then keeps,
 * demotes or drops it, as fail2ban's regular expressions of that mode would match it.
 */
import type { SshdMessage } from './sshd';
import { Rule, Verdict } from './sshd-verdict';

export type SshdMode = 'normal' | 'ddos' | 'extra' | 'aggressive';

export const SSHD_MODES: readonly SshdMode[] = ['normal', 'ddos', 'extra', 'aggressive'];

/**
 * BotMap's default: fail2ban's own. A user comparing BotMap's counts with their `sshd` jail
 * (which runs `normal` unless its `mode` says otherwise) then finds the same failures.
 */
export const DEFAULT_SSHD_MODE: SshdMode = 'normal';

/** Skip reasons of lines a mode does not count. */
export const SCANNER_LINE = 'scanner or probe line, counted in ddos and aggressive modes';
export const NEGOTIATION_LINE = 'no common algorithm or authentication method, counted in extra and aggressive modes';
export const CLOSED_BEFORE_LOGIN = 'connection closed before login, counted in ddos and aggressive modes';
export const USER_CLOSED_BEFORE_LOGIN = 'named user disconnected before login, counted in ddos, extra and aggressive modes';

/** The mode named `text`, or an error listing the four. */
export function sshdMode(text: string, name = 'SSHD_MODE'): SshdMode {
  const mode = text.trim().toLowerCase();
  if ((SSHD_MODES as readonly string[]).includes(mode)) return mode as SshdMode;
  throw new Error(`${name} must be one of ${SSHD_MODES.join(', ')} (fail2ban's sshd filter modes), not "${text}".`);
}

/**
 * Applies `mode` to the classified message `m`: its verdict may become `NoFail` (still naming
 * the address and ending the record, as a helper line of that mode) or `None` (the mode's
 * expressions do not match it). Returns the reason to skip the line with when the mode does not
 * count what `aggressive` would, else null.
 */
export function applyMode(m: SshdMessage, mode: SshdMode): string | null {
  const rule = m.rule;
  if (rule === Rule.Common || mode === 'aggressive') return null;
  switch (rule) {
    case Rule.Ddos:
      if (mode === 'ddos') return null;
      m.verdict = Verdict.None;
      return SCANNER_LINE;
    case Rule.Extra:
      if (mode === 'extra') return null;
      m.verdict = Verdict.None;
      return NEGOTIATION_LINE;
    case Rule.Closing:
    case Rule.DisconnectedUser:
      return closing(m, mode, rule === Rule.DisconnectedUser);
  }
  return null;
}

/** A closing line (`m.verdict` is `Fail` with `[preauth]`, `NoFail` without) in `normal`, `ddos` or `extra` mode. */
function closing(m: SshdMessage, mode: SshdMode, namedUser: boolean): string | null {
  const preauth = m.verdict === Verdict.Fail;
  if (mode === 'ddos') return null;
  const reason = namedUser ? USER_CLOSED_BEFORE_LOGIN : CLOSED_BEFORE_LOGIN;
  if (mode === 'normal') {
    // A helper line in normal mode: names the address and ends the record, never a failure of its own.
    m.verdict = Verdict.NoFail;
    return preauth ? reason : null;
  }
  // extra: only `Disconnected from invalid|authenticating user … [preauth]`; other closing lines match nothing.
  if (namedUser && preauth) return null;
  m.verdict = Verdict.None;
  return preauth ? reason : null;
}

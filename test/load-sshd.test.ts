/**
 * sshd lines: which are failures (as fail2ban's sshd filter in aggressive mode decides), from
 * which address, for which user; and the conformance script that measures the agreement.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseAddress } from '../src/locate/address';
import { authLog } from '../src/load/formats/auth-log';
import { NULL_CONTEXT } from '../src/load/formats/parser';
import { sshdMode, type SshdMode } from '../src/load/formats/grammar/sshd-modes';
import { SyslogPrefixReader } from '../src/load/formats/grammar/syslog';
import { UTC } from '../src/time-zone';
import { checkFile, evaluateCondition } from '../scripts/conformance';
import { parameters } from '../src/notebook/pipeline';

/**
 * Runs lines through one auth-log parser in `mode`; per line: the failures' address@user (other
 * kinds as kind:address@user), or the skip reason (a line withdrawn by a later one, as the load
 * does, shows the reason it was withdrawn for).
 */
function run(lines: string[], mode: SshdMode = 'aggressive'): (string | string[])[] {
  const results: (string | string[])[] = [];
  const parser = authLog.begin({ ...NULL_CONTEXT, sshdMode: mode, withdraw: (line, reason) => (results[line - 1] = reason) });
  lines.forEach((line, i) => {
    const got: string[] = [];
    const result = parser.parseLine(line, i + 1, (ip, kind, _time, _jail, user) => {
      const address = normaliseAddress(ip);
      if (address === null) return false;
      got.push(`${kind === 'failure' ? '' : `${kind}:`}${address.ip}@${user ?? ''}`);
      return true;
    });
    results.push(typeof result === 'number' ? got : String(result));
  });
  return results;
}

const P = 'Oct  1 12:00:00 web1 sshd[100]: ';

describe('sshd failures', () => {
  it.each([
    ['Failed password for root from 192.0.2.1 port 22 ssh2', ['192.0.2.1@root']],
    ['Failed password for invalid user admin from 192.0.2.1 port 22 ssh2', ['192.0.2.1@admin']],
    ['Failed publickey for invalid user git from 2001:db8::1 port 22 ssh2: RSA SHA256:abc', ['2001:db8::1@git']],
    ['Failed keyboard-interactive/pam for invalid user x from 192.0.2.1 port 22 ssh2', ['192.0.2.1@x']],
    ['Failed none for invalid user x from 192.0.2.1 port 22 ssh2', ['192.0.2.1@x']],
    ['Invalid user admin from 192.0.2.1 port 22', ['192.0.2.1@admin']],
    ['Invalid user  from 192.0.2.1 port 22', ['192.0.2.1@']],
    ['error: maximum authentication attempts exceeded for root from 192.0.2.1 port 22 ssh2 [preauth]', ['192.0.2.1@root']],
    ['error: maximum authentication attempts exceeded for invalid user x from 192.0.2.1 port 22 ssh2 [preauth]', ['192.0.2.1@x']],
    ['Connection closed by authenticating user root 192.0.2.1 port 22 [preauth]', ['192.0.2.1@root']],
    ['Disconnected from invalid user admin 192.0.2.1 port 22 [preauth]', ['192.0.2.1@admin']],
    ['Connection closed by 192.0.2.1 port 22 [preauth]', ['192.0.2.1@']],
    ['Connection reset by 192.0.2.1 port 22 [preauth]', ['192.0.2.1@']],
    ['Did not receive identification string from 192.0.2.1 port 22', ['192.0.2.1@']],
    ['error: PAM: Authentication failure for bob from 192.0.2.1', ['192.0.2.1@bob']],
    ['User root from 192.0.2.1 not allowed because not listed in AllowUsers', ['192.0.2.1@root']],
    ['ROOT LOGIN REFUSED FROM 192.0.2.1', ['192.0.2.1@root']],
    ['Unable to negotiate with 192.0.2.1 port 22: no matching host key type found. Their offer: ssh-rsa [preauth]', ['192.0.2.1@']],
    ['Received disconnect from 192.0.2.1 port 22:14: No supported authentication methods available [preauth]', ['192.0.2.1@']],
    ['message repeated 2 times: [ Failed password for root from 192.0.2.1 port 22 ssh2]', ['192.0.2.1@root', '192.0.2.1@root']],
    // A user name or client text holding "from ADDR port N" does not pick the address.
    ['Failed password for invalid user from 192.0.2.9 from 192.0.2.1 port 22 ssh2', ['192.0.2.1@from 192.0.2.9']],
    ['Failed password for invalid user x from 192.0.2.9 port 22 ssh2 from 192.0.2.1 port 22 ssh2', ['192.0.2.1@x from 192.0.2.9 port 22 ssh2']],
    ['Failed password for invalid user x from 192.0.2.1 port 22 ssh2: from 192.0.2.9 port 22 ssh2', ['192.0.2.1@x']],
    ['Failed password for root from 192.0.2.1 port 22 ssh2: ruser from 192.0.2.9', ['192.0.2.1@root']],
    ['Connection closed by authenticating user a 192.0.2.9 port 1 192.0.2.1 port 22 [preauth]', ['192.0.2.1@a 192.0.2.9 port 1']],
    // Words that the general reading takes for part of the syntax, in the common shapes.
    ['Disconnected from invalid user from 192.0.2.1 port 22 [preauth]', ['192.0.2.1@']],
    ['Failed password for invalid user a:b from 192.0.2.1 port 22 ssh2', ['192.0.2.1@a:b']],
    ['Invalid user admin from 192.0.2.1', ['192.0.2.1@admin']],
    ['message repeated 2 times: [\u00a0Failed password for root from 192.0.2.1 port 22 ssh2]', ['192.0.2.1@root', '192.0.2.1@root']],
    ['message repeated 3 times: [ Connection closed by 192.0.2.1 port 22 [preauth]]', ['192.0.2.1@', '192.0.2.1@', '192.0.2.1@']],
  ])('%s', (message, expected) => {
    expect(run([P + message])).toEqual([expected]);
  });

  it.each([
    ['Accepted publickey for alice from 192.0.2.1 port 22 ssh2: ED25519 SHA256:abc', ['accepted:192.0.2.1@alice']],
    ['Accepted password for bob from 2001:db8::7 port 22 ssh2', ['accepted:2001:db8::7@bob']],
    ['Accepted keyboard-interactive/pam for carol from 192.0.2.3 port 50022 ssh2', ['accepted:192.0.2.3@carol']],
    ['message repeated 2 times: [ Accepted password for dave from 192.0.2.4 port 22 ssh2]', ['accepted:192.0.2.4@dave', 'accepted:192.0.2.4@dave']],
  ])('%s is a successful login, not a failure', (message, expected) => {
    expect(run([P + message])).toEqual([expected]);
  });

  it.each([
    ['Accepted publickey for alice from admin.example.com port 22 ssh2: ED25519 SHA256:abc', 'sshd message naming the connection, not a failure'],
    ['Failed publickey for alice from 192.0.2.1 port 22 ssh2: RSA SHA256:abc', 'sshd message naming the connection, not a failure'],
    ['Connection closed by 192.0.2.1 port 22', 'sshd message naming the connection, not a failure'],
    ['Received disconnect from 192.0.2.1 port 22:11: disconnected by user', 'sshd message naming the connection, not a failure'],
    ['pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)', 'sshd message, not a failure'],
    ['Server listening on 0.0.0.0 port 22.', 'sshd message, not a failure'],
    ['Disconnecting: Too many authentication failures [preauth]', 'sshd failure without an address (counted when the connection names it)'],
    ['error: PAM: Authentication failure for bob from attacker.example.com', 'hostname, not an address'],
    ['Connection closed by authenticating user on 192.0.2.1 port 22 [preauth]', 'sshd message, not a failure'],
    ['Disconnected from invalid user port 22 port 23 [preauth]', 'sshd message, not a failure'],
    ['Failed password for a:b from 192.0.2.1 port 22 ssh2', 'sshd message, not a failure'],
    ['Failed password for root from from port 22 ssh2', 'not an address'],
    ['Received disconnect from 192.0.2.1: port 22:11: Bye', 'sshd message, not a failure'],
  ])('%s is not a failure', (message, reason) => {
    expect(run([P + message])).toEqual([reason]);
  });

  it("merges one process's lines: a pending failure counts when the address comes", () => {
    expect(
      run([
        'Oct  1 12:00:00 web1 sshd[7]: User root not allowed because account is locked',
        'Oct  1 12:00:00 web1 sshd[8]: Connection closed by 192.0.2.8 port 22',
        'Oct  1 12:00:01 web1 sshd[7]: Received disconnect from 192.0.2.7 port 22:11: Bye Bye [preauth]',
      ]),
    ).toEqual(['sshd failure without an address (counted when the connection names it)', 'sshd message naming the connection, not a failure', ['192.0.2.7@root']]);
  });

  it('merges the lines of one process only: the same host, program and pid, written alike', () => {
    const tooMany = 'Disconnecting: Too many authentication failures [preauth]';
    const names = 'Connection from 192.0.2.1 port 4242 on 10.0.0.1 port 22';
    const pending = 'sshd failure without an address (counted when the connection names it)';
    const naming = 'sshd message naming the connection, not a failure';
    expect(
      run([
        `Oct  1 12:00:00 web1 sshd[7]: ${tooMany}`,
        `Oct  1 12:00:00 web1 sshd[07]: ${names}`,
        `Oct  1 12:00:00 web1 sshd[7] ${names}`,
        `Oct  1 12:00:00 web2 sshd[7]: ${names}`,
        `Oct  1 12:00:00 web1 sshd-session[7]: ${names}`,
        `Oct  1 12:00:00 web1  sshd[7]: ${names}`,
        `Oct  1 12:00:00 web1 sshd[7]: ${names}`,
        `Oct  1 12:00:00 web1 sshd[123456789]: ${tooMany}`,
        `Oct  1 12:00:01 web1 sshd[123456789]: ${names}`,
      ]),
    ).toEqual([pending, naming, naming, naming, naming, naming, ['192.0.2.1@'], pending, ['192.0.2.1@']]);
  });

  it('counts a success after other user names as a failure, and forgets a connection after ten minutes', () => {
    expect(
      run([
        'Oct  1 12:00:00 web1 sshd[9]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.9  user=root',
        'Oct  1 12:00:01 web1 sshd[9]: Accepted password for alice from 192.0.2.9 port 22 ssh2',
        'Oct  1 12:00:00 web1 sshd[10]: Connection from 192.0.2.10 port 4242 on 10.0.0.1 port 22',
        'Oct  1 12:20:00 web1 sshd[10]: Disconnecting: Too many authentication failures [preauth]',
      ]),
    ).toEqual([
      // Counted as PAM's failure at first, then taken over by the failure sshd's login line stands for.
      "PAM failure, the same attempt as sshd's line",
      ['accepted:192.0.2.9@alice', '192.0.2.9@alice'],
      'sshd message naming the connection, not a failure',
      'sshd failure without an address (counted when the connection names it)',
    ]);
  });

  it('reads the prefixes of every syslog and journal shape', () => {
    const prefix = new SyslogPrefixReader(Date.parse('2026-10-02T00:00:00Z'), UTC);
    const shapes: [string, string, string][] = [
      ['Jun 21 16:47:48 host sshd[13709]: x', 'sshd', 'host sshd[13709]:'],
      ['Nov 23 21:50:19 sshd[8148]: x', 'sshd', 'sshd[8148]:'],
      ['Mar  3 00:17:22 [sshd]: x', 'sshd', '[sshd]:'],
      ['Jun 25 23:53:34 [sshd] x', 'sshd', '[sshd]'],
      ['srv sshd[20878]: kernel:[  970.699396]: x', 'sshd', 'srv sshd[20878]:'],
      ['2015-04-16T18:02:50.321974+00:00 host sshd[2716]: x', 'sshd', 'host sshd[2716]:'],
      ['Mar 29 05:59:23 dusky sshd[20878]: [ID 800047 auth.info] x', 'sshd', 'dusky sshd[20878]:'],
      ['<38>1 2019-07-08T17:40:16.954167-04:00 hostname.example.com sshd 57915 - - x', 'sshd', 'hostname.example.com sshd 57915'],
      ['<38>1 2019-07-08T17:40:17.954167-04:00 h sshd 55555 - [timeQuality tzKnown="1"][xxx@123 test="[brackets]"] x', 'sshd', 'h sshd 55555'],
    ];
    for (const [line, daemon, connection] of shapes) {
      expect(prefix.read(line), line).toBe(true);
      expect(prefix.daemon).toBe(daemon);
      expect(prefix.connection(line)).toBe(connection);
      expect(line.slice(prefix.message)).toBe('x');
    }
    expect(prefix.read('hello world: x')).toBe(false);
    expect(prefix.read('192.0.2.1')).toBe(false);
    expect(prefix.read('')).toBe(false);
  });

  // Lines much alike, as in a log (each line changes one part of the one before): the reader
  // takes shortcuts when a line repeats the one before.
  const MTIME = Date.parse('2026-10-02T00:00:00Z');
  const PARTS = [
    [
      'Oct  1 12:00:00',
      'Oct  1 12:00:01',
      'Oct  1 12:00:59',
      'Oct  1 12:00:60',
      'Oct  1 12:00:61',
      'Oct  1 12:00:1',
      'Oct  1 12:00:015',
      'Oct  1 12:00:05',
      'Oct  1 12:00:05.5',
      'Oct  1 12:00:05.7',
      'Oct  1 12:00:05.57',
      'Oct  1 12:00:05.58',
      'Oct  1 12:01:07',
      'Oct  1 13:00:07',
      'Oct 01 12:00:00',
      'Feb 30 12:00:00',
      '<38>Oct  1 12:00:00',
      '2015-04-16T18:02:50.321974+00:00',
      '2015-04-16 18:02:51',
      '',
      '',
    ],
    [' ', '  ', '\t'],
    ['web1', 'web2', 'h', '', '<auth.info>', '<x>', 'web1 <x>'],
    [' ', '  ', '\t'],
    ['sshd[100]:', 'sshd[101]:', 'sshd[100]', 'sshd[0100]:', 'sshd[12345678]:', 'sshd:', '[sshd]:', 'sshd(pam)[1]:', 'CRON[5]:', 'sshd[]:', 'sshd[1]x:'],
    [' Failed password for root from 192.0.2.1 port 22 ssh2', ' kernel:[  970.69]: x', ' [ID 800047 auth.info] x', '', ' ', '\tx'],
  ];
  const logLines = fc
    .tuple(fc.array(fc.nat(), { minLength: PARTS.length, maxLength: PARTS.length }), fc.array(fc.tuple(fc.nat(PARTS.length - 1), fc.nat()), { maxLength: 20 }))
    .map(([first, changes]) => {
      const parts = PARTS.map((choices, i) => choices[first[i] % choices.length]);
      const lines = [parts.join('')];
      for (const [i, n] of changes) {
        parts[i] = PARTS[i][n % PARTS[i].length];
        lines.push(parts.join(''));
      }
      return lines;
    });

  function fields(prefix: SyslogPrefixReader, line: string): unknown[] {
    if (!prefix.read(line)) return [false];
    return [prefix.time, prefix.hostStart, prefix.hostEnd, prefix.daemon, prefix.daemonEnd, prefix.hasPid, prefix.message, prefix.connection(line)];
  }

  it('reads each line as it reads it alone, whatever lines came before', () => {
    fc.assert(
      fc.property(logLines, (lines) => {
        const prefix = new SyslogPrefixReader(MTIME, UTC);
        for (const line of lines) expect(fields(prefix, line), line).toEqual(fields(new SyslogPrefixReader(MTIME, UTC), line));
      }),
      { numRuns: 1000 },
    );
  });

  it('keys two lines alike exactly when their host and program texts are alike', () => {
    fc.assert(
      fc.property(logLines, (lines) => {
        const prefix = new SyslogPrefixReader(MTIME, UTC);
        const textOf = new Map<string | number, string>();
        const keyOf = new Map<string, string | number>();
        for (const line of lines) {
          if (!prefix.read(line)) continue;
          const key = prefix.connectionKey(line);
          const text = prefix.connection(line);
          expect(textOf.get(key) ?? text).toBe(text);
          expect(keyOf.get(text) ?? key).toBe(key);
          textOf.set(key, text);
          keyOf.set(text, key);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

const SAMPLE = `# filterOptions: [{}, {"mode": "aggressive"}]
# failJSON: { "match": true , "host": "192.0.2.1" }
Oct  1 12:00:00 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2
# failJSON: { "match": true , "host": "example.com" }
Oct  1 12:00:00 h sshd[2]: error: PAM: Authentication failure for bob from example.com
# failJSON: { "constraint": "opts.get('mode') != 'aggressive'", "match": false }
Oct  1 12:00:01 h sshd[3]: Connection closed by 192.0.2.3 [preauth]
# failJSON: { "constraint": "opts.get('mode') == 'aggressive'", "match": true, "host": "192.0.2.3" }
Oct  1 12:00:01 h sshd[3]: Connection closed by 192.0.2.3 [preauth]
# failJSON: { "match": false }
Oct  1 12:00:02 h sshd[4]: Accepted publickey for alice from 192.0.2.4 port 22 ssh2
# failJSON: { "match": true, "host": "192.0.2.5", "desc": "BotMap would disagree: not in a filter's list" }
Oct  1 12:00:02 h sshd[5]: Some new message from 192.0.2.5
# filterOptions: [{"test.condition":"name=='sshd'"}]
# failJSON: { "match": true, "host": "192.0.2.6", "desc": "normal mode only: not checked" }
Oct  1 12:00:03 h sshd[6]: nothing
`;

describe("fail2ban's sshd modes", () => {
  const MODES = ['normal', 'ddos', 'extra', 'aggressive'] as const;
  const counted = (line: string) => MODES.map((mode) => run([P + line], mode)[0]);
  const closed = 'connection closed before login, counted in ddos and aggressive modes';
  it.each([
    ['Failed password for root from 192.0.2.1 port 22 ssh2', [['192.0.2.1@root'], ['192.0.2.1@root'], ['192.0.2.1@root'], ['192.0.2.1@root']]],
    ['Did not receive identification string from 192.0.2.1 port 22', ['scanner or probe line, counted in ddos and aggressive modes', ['192.0.2.1@'], 'scanner or probe line, counted in ddos and aggressive modes', ['192.0.2.1@']]],
    ['Unable to negotiate with 192.0.2.1 port 22: no matching host key type found. Their offer: ssh-rsa [preauth]', ['no common algorithm or authentication method, counted in extra and aggressive modes', 'no common algorithm or authentication method, counted in extra and aggressive modes', ['192.0.2.1@'], ['192.0.2.1@']]],
    ['Connection closed by 192.0.2.1 port 22 [preauth]', [closed, ['192.0.2.1@'], closed, ['192.0.2.1@']]],
    ['Disconnected from invalid user admin 192.0.2.1 port 22 [preauth]', ['named user disconnected before login, counted in ddos, extra and aggressive modes', ['192.0.2.1@admin'], ['192.0.2.1@admin'], ['192.0.2.1@admin']]],
    ['Connection closed by 192.0.2.1 port 22', Array(4).fill('sshd message naming the connection, not a failure')],
  ])('%s: normal, ddos, extra, aggressive', (line, expected) => {
    expect(counted(line)).toEqual(expected);
  });

  it("a pending failure counts in normal mode when a closing line names the address (fail2ban's helper line)", () => {
    const lines = ['Disconnecting: Too many authentication failures [preauth]', 'Connection closed by 192.0.2.1 port 22 [preauth]'].map((m) => P + m);
    expect(run(lines, 'normal')).toEqual(['sshd failure without an address (counted when the connection names it)', ['192.0.2.1@']]);
  });

  it('names the four modes when given another', () => {
    expect(() => sshdMode('paranoid', 'BOTMAP_SSHD_MODE')).toThrow('BOTMAP_SSHD_MODE must be one of normal, ddos, extra, aggressive');
    expect(sshdMode(' Aggressive ')).toBe('aggressive');
    expect(() => parameters({}, { BOTMAP_SSHD_MODE: 'strict' })).toThrow('BOTMAP_SSHD_MODE must be one of normal, ddos, extra, aggressive');
    expect(parameters({}, { BOTMAP_SSHD_MODE: 'ddos' }).sshdMode).toBe('ddos');
    expect(parameters({}, {}).sshdMode).toBe('normal');
  });
});

describe("PAM's failures", () => {
  const PAM = 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.5  user=root';
  const SAME = "PAM failure, the same attempt as sshd's line";
  it("count where sshd names no attempt of the process from that address, and are withdrawn when it does", () => {
    expect(
      run(
        [
          `Oct  1 12:00:00 web1 sshd[1]: ${PAM}`,
          'Oct  1 12:00:01 web1 sshd[1]: Failed password for root from 192.0.2.5 port 22 ssh2',
          `Oct  1 12:00:02 web1 sshd[2]: ${PAM}`,
          'Oct  1 12:00:03 web1 sshd[2]: Connection closed by 192.0.2.5 port 22',
          `Oct  1 12:00:04 web1 sshd[3]: ${PAM}`,
          'Oct  1 12:00:05 web1 sshd[3]: Accepted password for root from 192.0.2.5 port 22 ssh2',
          `Oct  1 12:00:06 web1 sshd[4]: ${PAM.replace('192.0.2.5', 'attacker.example.com')}`,
          'Oct  1 12:00:07 web1 sshd[5]: Invalid user x from 192.0.2.6 port 22',
          // PAM names no user for an unknown one.
          `Oct  1 12:00:08 web1 sshd[5]: ${PAM.replace('192.0.2.5  user=root', '192.0.2.6')}`,
        ],
        'normal',
      ),
    ).toEqual([
      SAME,
      ['192.0.2.5@root'],
      ['192.0.2.5@root'],
      'sshd message naming the connection, not a failure',
      'PAM failure before a successful login',
      ['accepted:192.0.2.5@root'],
      'hostname, not an address',
      ['192.0.2.6@x'],
      SAME,
    ]);
  });

  it('of the old sshd(pam_unix)[pid] belong to the sshd process of that pid', () => {
    expect(
      run([
        'Jun 14 15:16:01 combo sshd(pam_unix)[7]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.7 ',
        'Jun 14 15:16:02 combo sshd[7]: Failed password for root from 192.0.2.7 port 22 ssh2',
        'Jun 14 15:16:03 combo sshd(pam_unix)[8]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.8  user=guest',
      ]),
    ).toEqual([SAME, ['192.0.2.7@root'], ['192.0.2.8@guest']]);
  });
});

describe('conformance script', () => {
  it('checks the annotations of the mode asked (aggressive by default), honours constraints, compares addresses and host names', () => {
    const verdicts = checkFile('sample', SAMPLE);
    expect(verdicts.map((v) => [v.lineNo, v.agrees])).toEqual([
      [3, true],
      [5, true],
      [9, true],
      [11, true],
      [13, false],
    ]);
    expect(verdicts[4].got).toBe('skipped: sshd message, not a failure');
    // normal: the first section (`{}`) and the normal-only one; the constraint picks line 7, not 9.
    expect(checkFile('sample', SAMPLE, 'normal').map((v) => [v.lineNo, v.agrees])).toEqual([
      [3, true],
      [5, true],
      [7, true],
      [11, true],
      [13, false],
      [16, false],
    ]);
    expect(checkFile('sample', SAMPLE, 'ddos')).toEqual([]);
  });

  it('evaluates the conditions the samples use', () => {
    expect(evaluateCondition("name == 'sshd'", {})).toBe(true);
    expect(evaluateCondition("opts.get('mode') != 'aggressive'", { mode: 'aggressive' })).toBe(false);
    expect(evaluateCondition("opts.get('mode') == 'aggressive' and name=='sshd'", { mode: 'aggressive' })).toBe(true);
    expect(() => evaluateCondition('len(x) > 1', {})).toThrow(/cannot evaluate/);
  });

  const corpus = ['../shared/corpus/fail2ban-tests', '/work/shared/corpus/fail2ban-tests'].find((dir) => existsSync(path.join(dir, 'sshd')));
  it.skipIf(corpus === undefined).each([
    ['normal', 199, 203],
    ['ddos', 48, 48],
    ['extra', 29, 29],
    ['aggressive', 244, 246],
  ] as const)("agrees with fail2ban in %s mode on %i of its %i annotated sshd sample lines (shared corpus, when present)", (mode, agreeing, lines) => {
    let passed = 0;
    let total = 0;
    for (const name of ['sshd', 'sshd-journal']) {
      const verdicts = checkFile(name, readFileSync(path.join(corpus!, name), 'utf8'), mode);
      passed += verdicts.filter((v) => v.agrees).length;
      total += verdicts.length;
    }
    expect([passed, total]).toEqual([agreeing, lines]);
    expect(passed / total).toBeGreaterThanOrEqual(0.95);
  });
});

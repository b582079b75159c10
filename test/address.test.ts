import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { inNetwork, ipv6Network64, ipv6ToWords, looksLikeHostname, normaliseAddress, parseNetwork, type IPv4Address, type IPv6Address } from '../src/locate/address';
import { seededRandom } from './support/random';

describe('normaliseAddress', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9', 4],
    ['::ffff:81.2.69.142', '81.2.69.142', 4],
    ['2A01:04F8:0000:0000:0000:0000:0000:0001', '2a01:4f8::1', 6],
    ['[2a01:4f8::1]', '2a01:4f8::1', 6],
    ['fe80::1%eth0', 'fe80::1', 6],
  ])('normalises %s to %s', (text, ip, version) => {
    expect(normaliseAddress(text)).toMatchObject({ ip, version });
  });

  it.each(['1', '1.2.3', '256.1.1.1', '01.2.3.4', '0x7f.0.0.1', 'abc', '1.2.3.4.5', ':::1', ''])('rejects %j', (text) => {
    expect(normaliseAddress(text)).toBeNull();
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['2001:db8::1', 'reserved'],
    ['ff02::1', 'multicast'],
  ])('%s is not public (%s)', (text, range) => {
    expect(normaliseAddress(text)).toMatchObject({ isPublic: false, range });
  });

  it.each(['81.2.69.142', '8.8.8.8', '2a01:4f8::1', '2600::1'])('%s is public', (text) => {
    expect(normaliseAddress(text)?.isPublic).toBe(true);
  });
});

describe('looksLikeHostname', () => {
  it('tells host names from addresses and junk', () => {
    expect(looksLikeHostname('mail.example.com')).toBe(true);
    expect(looksLikeHostname('host-1.dyn.example.net')).toBe(true);
    expect(looksLikeHostname('1.2.3.4')).toBe(false);
    expect(looksLikeHostname('localhost')).toBe(false);
    expect(looksLikeHostname('<script>.com')).toBe(false);
  });
});

describe('IPv6 addresses as words', () => {
  it('reads IPv6 in every form ipaddr.js writes, and rejects what is not IPv6', () => {
    const next = seededRandom(1);
    const words = new Uint32Array(4);
    for (let n = 0; n < 5000; n++) {
      const parts = Array.from({ length: 8 }, () => (next() < 0.4 ? 0 : Math.floor(next() * 65536)));
      const address = new ipaddr.IPv6(parts);
      const fixed = parts.map((p) => p.toString(16).padStart(4, '0')).join(':');
      for (const text of [address.toRFC5952String(), address.toNormalizedString(), fixed, fixed.toUpperCase()]) {
        expect(ipv6ToWords(text, words), text).toBe(true);
        expect([...words].flatMap((w) => [w >>> 16, w & 0xffff]), text).toEqual(parts);
      }
    }
    expect(ipv6ToWords('::ffff:1.2.3.4', words) && [...words]).toEqual([0, 0, 0xffff, 0x01020304]);
    expect(ipv6ToWords('::', words) && [...words]).toEqual([0, 0, 0, 0]);
    for (const bad of [':', ':1::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::', '1:', '', '1.2.3.4']) expect(ipv6ToWords(bad, words), bad).toBe(false);
  });

  it('are what normaliseAddress keeps of an IPv6 address, as an IPv4 address keeps its number', () => {
    expect([...(normaliseAddress('2001:db8::1:2') as IPv6Address).words]).toEqual([0x20010db8, 0, 0, 0x00010002]);
    expect((normaliseAddress('::ffff:203.0.113.9') as IPv4Address).value).toBe(0xcb007109);
    expect((normaliseAddress('255.255.255.255') as IPv4Address).value).toBe(0xffffffff);
  });

  it('names the /64 network of an IPv6 address', () => {
    expect(ipv6Network64('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipv6Network64('2001:db8::1')).toBe('2001:db8::/64');
    expect(ipv6Network64('2001:0:0:1::5')).toBe('2001:0:0:1::/64');
    expect(ipv6Network64('203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('parseNetwork and inNetwork: addresses and networks an address is tested against (ignoreip, BOTMAP_TRUSTED)', () => {
  it('reads an address or a network into its normal form; anything else is null', () => {
    const text = (t: string) => parseNetwork(t)?.text ?? null;
    expect(['192.0.2.7', '192.0.2.77/24', '2001:DB8::1/32', '2001:db8::1', '::ffff:192.0.2.7', '0.0.0.0/0', '192.0.2.7/32'].map(text)).toEqual([
      '192.0.2.7', '192.0.2.0/24', '2001:db8::/32', '2001:db8::1', '192.0.2.7', '0.0.0.0/0', '192.0.2.7',
    ]);
    expect(['host.example.com', '192.0.2.7/33', '192.0.2.7/', '/8', '192.0.2.300', '2001:db8::/129', ''].map(text)).toEqual([null, null, null, null, null, null, null]);
  });

  it('tests an address against a network, never across versions', () => {
    const inside = (address: string, network: string) => inNetwork(normaliseAddress(address)!, parseNetwork(network)!);
    expect(inside('192.0.2.255', '192.0.2.0/24')).toBe(true);
    expect(inside('192.0.3.0', '192.0.2.0/24')).toBe(false);
    expect(inside('203.0.113.9', '0.0.0.0/0')).toBe(true);
    expect(inside('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(inside('192.0.2.8', '192.0.2.7')).toBe(false);
    expect(inside('2001:db8:1:ffff::1', '2001:db8:1::/48')).toBe(true);
    expect(inside('2001:db8:2::1', '2001:db8:1::/48')).toBe(false);
    expect(inside('2001:db8::1:0:0:7', '2001:db8::1:0:0:0/100')).toBe(true);
    expect(inside('2001:db8::1:1000:0:7', '2001:db8::1:0:0:0/100')).toBe(false);
    expect(inside('192.0.2.7', '::/0')).toBe(false);
    expect(inside('::ffff:192.0.2.7', '192.0.2.0/24')).toBe(true);
  });
});

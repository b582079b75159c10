import { describe, expect, it } from 'vitest';
import { looksLikeHostname, normaliseAddress } from '../src/locate/address';

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

import { describe, expect, it } from 'vitest';
import { canonicalIPv4, canonicalIPv4Bytes, dottedQuad, normaliseAddress } from '../src/locate/address';
import { EventStore, KIND_CODES } from '../src/load/events';
import { seededRandom } from './support/random';

describe('canonicalIPv4', () => {
  it('reads dotted quads exactly as normaliseAddress writes them', () => {
    expect(canonicalIPv4('0.0.0.0')).toBe(0);
    expect(canonicalIPv4('1.2.3.4')).toBe(0x01020304);
    expect(canonicalIPv4('255.255.255.255')).toBe(-1);
    expect(canonicalIPv4('203.0.113.5')).toBe(((203 << 24) | (113 << 8) | 5) | 0);
  });

  it('leaves everything else to normaliseAddress', () => {
    for (const text of ['01.2.3.4', '1.2.3.04', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '.1.2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4 ', '::ffff:1.2.3.4', '1.2.3.a', '', '1234.1.1.1']) {
      expect(canonicalIPv4(text), text).toBeNull();
    }
  });

  it('agrees with normaliseAddress on random texts of digits and dots', () => {
    const random = seededRandom(7);
    const alphabet = '0123456789.';
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = 7 + Math.floor(random() * 9);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      const fast = canonicalIPv4(text);
      if (fast === null) continue;
      const normal = normaliseAddress(text);
      expect(normal?.ip, text).toBe(text);
      expect(fast >>> 0, text).toBe(text.split('.').reduce((n, part) => n * 256 + Number(part), 0));
    }
  });
});

describe('canonicalIPv4Bytes', () => {
  it('is canonicalIPv4 of the bytes, unsigned, -1 for none, on edge cases and random texts', () => {
    const random = seededRandom(8);
    const alphabet = '0123456789.:a ';
    const texts = ['0.0.0.0', '255.255.255.255', '203.0.113.5', '01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '', '1.2.3.4 '];
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(random() * 17);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * (random() < 0.9 ? 11 : alphabet.length))];
      texts.push(text);
    }
    for (const text of texts) {
      const bytes = Buffer.from(`[${text}]`, 'latin1');
      const value = canonicalIPv4Bytes(bytes, 1, bytes.length - 1);
      const expected = canonicalIPv4(text);
      expect(value, text).toBe(expected === null ? -1 : expected >>> 0);
      if (value >= 0) expect(dottedQuad(value)).toBe(text);
    }
  });
});

describe('EventStore.addressOfIPv4 and addressOfBytes', () => {
  it('give the index addressOf gives the same text', () => {
    const store = new EventStore();
    const texts = ['203.0.113.5', '2001:DB8::1', '2001:db8::1', '::ffff:203.0.113.5', '8.8.8.8', 'junk', '01.2.3.4'];
    const bytes = Buffer.from(texts.join(' '), 'latin1');
    let start = 0;
    for (const text of texts) {
      const end = start + text.length;
      const expected = store.addressOf(text);
      expect(store.addressOfBytes(bytes, start, end), text).toBe(expected);
      // Again: now found by its bytes.
      expect(store.addressOfBytes(bytes, start, end), text).toBe(expected);
      const value = canonicalIPv4Bytes(bytes, start, end);
      if (value >= 0) expect(store.addressOfIPv4(value)).toBe(expected);
      start = end + 1;
    }
    expect(store.addressOfIPv4(canonicalIPv4Bytes(Buffer.from('9.9.9.9'), 0, 7))).toBe(store.addressOf('9.9.9.9'));
    expect(store.addresses.map((a) => a.ip)).toEqual(['203.0.113.5', '2001:db8::1', '8.8.8.8', '9.9.9.9']);
  });
});

describe('normaliseAddress on dotted quads', () => {
  it('gives what ipaddr.js gives, special ranges included', async () => {
    const ipaddr = (await import('ipaddr.js')).default;
    const random = seededRandom(5);
    // Every first octet, and the second octets that special ranges split on.
    const texts: string[] = [];
    for (let a = 0; a < 256; a++) for (const b of [0, 1, 18, 19, 31, 51, 64, 88, 99, 100, 127, 128, 168, 169, 254, 255]) texts.push(`${a}.${b}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`);
    texts.push('192.0.0.8', '192.0.2.1', '192.88.99.1', '198.51.100.1', '203.0.113.1', '255.255.255.255', '0.0.0.0');
    // Both ends of every special range, and the addresses just outside them.
    const special = (ipaddr.IPv4.prototype as unknown as { SpecialRanges: Record<string, [{ octets: number[] }, number][]> }).SpecialRanges;
    const quad = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    for (const subnets of Object.values(special)) {
      for (const [network, bits] of subnets) {
        const first = network.octets.reduce((n: number, octet: number) => n * 256 + octet, 0);
        const last = first + 2 ** (32 - bits) - 1;
        for (const n of [first - 1, first, last, last + 1]) if (n >= 0 && n < 2 ** 32) texts.push(quad(n));
      }
    }
    expect(texts.length).toBeGreaterThan(4096 + 60);
    for (const text of texts) {
      const parsed = ipaddr.IPv4.parse(text);
      const range = parsed.range();
      expect(normaliseAddress(text), text).toEqual({ ip: parsed.toString(), version: 4, isPublic: range === 'unicast', range, value: parsed.octets.reduce((n, octet) => n * 256 + octet, 0) });
    }
  });
});

describe('EventStore', () => {
  it('gives one index per address, whatever way it was written', () => {
    const store = new EventStore();
    const a = store.addressOf('192.0.2.1');
    expect(store.addressOf('::ffff:192.0.2.1')).toBe(a);
    expect(store.addressOf('192.0.2.1')).toBe(a);
    expect(store.addressOf('2001:DB8::1')).toBe(store.addressOf('2001:db8:0:0:0:0:0:1'));
    expect(store.addressOf('192.0.2.01')).toBe(-1);
    expect(store.addressOf('mail.example.com')).toBe(-1);
    expect(store.addresses.map((x) => x.ip)).toEqual(['192.0.2.1', '2001:db8::1']);
  });

  it('keeps server and input per run of events and gives them back per event', () => {
    const store = new EventStore();
    const event = (ip: string) => ({ ip, kind: 'ban' as const, time: 1000, jail: 'sshd' });
    expect(store.add(event('192.0.2.1'), { server: 'web1', input: 0 })).toBe(true);
    expect(store.add(event('192.0.2.2'), { server: 'web1', input: 0 })).toBe(true);
    expect(store.add(event('not an address'), { server: 'mail1', input: 1 })).toBe(false);
    expect(store.add(event('192.0.2.3'), { server: 'mail1', input: 2 })).toBe(true);
    expect(store.add(event('192.0.2.1'), { server: 'web1', input: 3 })).toBe(true);
    const { server, input, ip, jail, user } = store.columns();
    expect([...server].map((code) => store.servers.values[code])).toEqual(['web1', 'web1', 'mail1', 'web1']);
    expect([...input]).toEqual([0, 0, 2, 3]);
    expect([...ip]).toEqual([0, 1, 2, 0]);
    expect([...jail].map((code) => store.jails.values[code])).toEqual(['sshd', 'sshd', 'sshd', 'sshd']);
    expect([...user]).toEqual([0, 0, 0, 0]);
  });

  it('starts the user column at the first user name, with none before it', () => {
    const store = new EventStore();
    store.setOrigin({ server: 'web1', input: 0 });
    const ip = store.addressOf('192.0.2.1');
    store.push(ip, KIND_CODES.found, 1, 0, 0);
    store.push(ip, KIND_CODES.failure, 2, 0, store.users.intern('root') + 1);
    store.push(ip, KIND_CODES.failure, Number.NaN, 0, 0);
    const columns = store.columns();
    expect([...columns.user]).toEqual([0, 1, 0]);
    expect([...columns.kind]).toEqual([KIND_CODES.found, KIND_CODES.failure, KIND_CODES.failure]);
    expect([...columns.time]).toEqual([1, 2, Number.NaN]);
  });

  it('grows its columns and widens the jail column past 65,535 jails without losing events', () => {
    const store = new EventStore();
    store.setOrigin({ server: 'web1', input: 0 });
    const ip = store.addressOf('192.0.2.1');
    for (let i = 1; i <= 70_000; i++) store.push(ip, KIND_CODES.ban, i, store.jails.intern(`jail${i}`), 0);
    const { jail, time } = store.columns();
    expect(jail.length).toBe(70_000);
    expect(store.jails.values[jail[0]]).toBe('jail1');
    expect(store.jails.values[jail[65_534]]).toBe('jail65535');
    expect(store.jails.values[jail[69_999]]).toBe('jail70000');
    expect(time[69_999]).toBe(70_000);
  });

  it('refuses events before it knows where they come from', () => {
    expect(() => new EventStore().push(0, 0, 0, 0, 0)).toThrow(/setOrigin/);
  });
});

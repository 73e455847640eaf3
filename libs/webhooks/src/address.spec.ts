import fc from 'fast-check';
import {
  checkConnectAddress,
  checkSubscriptionUrl,
  embeddedIPv4,
  forbiddenRange,
  isForbiddenAddress,
  MAX_URL_LENGTH,
} from './address';
import { EMPTY_ALLOW_LIST, parseAllowedTargets } from './allow-list';

describe('isForbiddenAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe80::1%eth0', 'scoped'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'IETF protocol assignments'],
    ['100::1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['::8.8.8.8', 'reserved'], // IPv4-compatible, not IPv4-mapped: ipaddr.js alone would read it as public
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped)'],
    ['0:0:0:0:0:ffff:a00:1', 'private (IPv4-mapped)'],
    ['::ffff:169.254.169.254', 'cloud metadata (IPv4-mapped)'],
    ['64:ff9b::7f00:1', 'loopback (NAT64)'],
    ['64:ff9b::10.0.0.1', 'private (NAT64)'],
    ['2002:7f00:1::1', 'loopback (6to4)'],
    ['2002:a9fe:a9fe::', 'cloud metadata (6to4)'],
    ['not-an-ip', 'not an IP address'],
    ['', 'not an IP address'],
    ['1.2.3', 'not an IP address'],
  ])('refuses %s (%s)', (ip, range) => {
    expect(isForbiddenAddress(ip)).toBe(true);
    expect(forbiddenRange(ip)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '192.0.1.1',
    '192.167.255.255',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('accepts public %s', (ip) => {
    expect(forbiddenRange(ip)).toBeNull();
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('judges IPv4 embedded in IPv6 like the IPv4 address it reaches', () => {
    const hex = (ip: string): string => {
      const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
      return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    };
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const expected = isForbiddenAddress(ip);
        for (const form of [`::ffff:${ip}`, `::ffff:${hex(ip)}`, `64:ff9b::${ip}`, `2002:${hex(ip)}::1`]) {
          expect(embeddedIPv4(form)?.ipv4).toBe(ip);
          expect(isForbiddenAddress(form)).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses every IPv6 address outside global unicast unless it embeds a public IPv4', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const firstGroup = parseInt(new URL(`http://[${ip}]`).hostname.slice(1).split(':')[0] || '0', 16);
        if ((firstGroup & 0xe000) === 0x2000 || embeddedIPv4(ip)) return;
        expect(isForbiddenAddress(ip)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseAllowedTargets', () => {
  const allow = parseAllowedTargets(
    '10.0.0.0/8, 127.0.0.1/32,receiver.local:8443,::1/128,[fd00::5]:9000,hooks.internal',
  );

  it('allows addresses inside listed ranges, on any port', () => {
    expect(allow.allowsAddress('10.9.8.7', 443)).toBe(true);
    expect(allow.allowsAddress('127.0.0.1', 1)).toBe(true);
    expect(allow.allowsAddress('::1', 8080)).toBe(true);
    expect(allow.allowsAddress('::ffff:127.0.0.1', 8080)).toBe(true);
    expect(allow.allowsAddress('11.0.0.1', 443)).toBe(false);
    expect(allow.allowsAddress('127.0.0.2', 443)).toBe(false);
    expect(allow.allowsAddress('::2', 443)).toBe(false);
    expect(allow.allowsAddress('garbage', 443)).toBe(false);
  });

  it('allows an address:port entry on its port only', () => {
    expect(allow.allowsAddress('fd00::5', 9000)).toBe(true);
    expect(allow.allowsAddress('fd00::5', 9001)).toBe(false);
    const single = parseAllowedTargets('127.0.0.1:9000');
    expect(single.allowsAddress('127.0.0.1', 9000)).toBe(true);
    expect(single.allowsAddress('127.0.0.1', 9001)).toBe(false);
  });

  it('allows hosts by name, case-insensitively, on their port or any port when none is given', () => {
    expect(allow.allowsHost('receiver.local', 8443)).toBe(true);
    expect(allow.allowsHost('RECEIVER.local.', 8443)).toBe(true);
    expect(allow.allowsHost('receiver.local', 8444)).toBe(false);
    expect(allow.allowsHost('other.local', 8443)).toBe(false);
    expect(allow.allowsHost('sub.receiver.local', 8443)).toBe(false);
    expect(allow.allowsHost('hooks.internal', 12345)).toBe(true);
  });

  it('judges literal hosts as addresses', () => {
    expect(allow.allowsHost('[::1]', 443)).toBe(true);
    expect(allow.allowsHost('10.0.0.1', 443)).toBe(true);
    expect(allow.allowsHost('[::2]', 443)).toBe(false);
  });

  it('allows nothing when empty', () => {
    for (const list of [EMPTY_ALLOW_LIST, parseAllowedTargets(' , ')]) {
      expect(list.allowsAddress('127.0.0.1', 80)).toBe(false);
      expect(list.allowsHost('localhost', 80)).toBe(false);
    }
  });

  it.each([
    '10.0.0.0/33',
    '::1/129',
    '300.1.1.1/8',
    'foo:bar',
    'foo:0',
    'foo:65536',
    'a:b:c',
    'http://x',
    'bad_host',
    '[1.2.3.4]:80',
    '[::1]:x',
  ])('refuses the entry %j, naming it', (entry) =>
    expect(() => parseAllowedTargets(`10.0.0.0/8,${entry}`)).toThrow(`"${entry}"`),
  );
});

describe('checkSubscriptionUrl', () => {
  const strict = { allowHttp: false, allow: EMPTY_ALLOW_LIST };

  it.each([
    'https://example.com/hook',
    'https://example.com:8443/x?y=1#frag',
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    `https://example.com/${'a'.repeat(MAX_URL_LENGTH - 'https://example.com/'.length)}`,
  ])('accepts %s', (url) => expect(checkSubscriptionUrl(url, strict)).toBeNull());

  it.each([
    [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`, 'at most 2048'],
    ['http://example.com/hook', 'must use https'],
    ['ftp://example.com/hook', 'must use https'],
    ['file:///etc/passwd', 'must use https'],
    ['https://user:pw@example.com/', 'username or password'],
    ['https://user@example.com/', 'username or password'],
    ['https://exa mple.com/', 'whitespace'],
    ['https://example.com/\r\nX-Injected: 1', 'whitespace'],
    ['\thttps://example.com/', 'whitespace'],
    ['https://example.com/\u0000', 'whitespace or control'],
    ['not a url', 'whitespace'],
    ['/relative/path', 'absolute URL'],
    ['https://localhost/', 'localhost'],
    ['https://LOCALHOST./', 'localhost'],
    ['https://api.localhost/', 'localhost'],
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://127.1/', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback (IPv4-mapped)'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://0/', 'unspecified'],
    ['https://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['https://10.1.2.3/', 'private'],
    ['https://100.64.0.1/', 'shared (CGNAT)'],
    ['https://[fc00::1]/', 'unique local'],
    ['https://[fe80::1]/', 'link-local'],
  ])('refuses %j (%s)', (url, message) => expect(checkSubscriptionUrl(url, strict)).toContain(message));

  it('lets allow-listed literal addresses through, however they are spelled', () => {
    const opts = { allowHttp: false, allow: parseAllowedTargets('127.0.0.1/32') };
    expect(checkSubscriptionUrl('https://127.0.0.1:8443/hook', opts)).toBeNull();
    expect(checkSubscriptionUrl('https://2130706433/hook', opts)).toBeNull();
    expect(checkSubscriptionUrl('https://[::ffff:127.0.0.1]/hook', opts)).toBeNull();
    expect(checkSubscriptionUrl('https://127.0.0.2/hook', opts)).toContain('loopback');
    expect(checkSubscriptionUrl('https://localhost/hook', opts)).toContain('localhost');
  });

  it('lets an allow-listed host:port through on that port only', () => {
    const opts = { allowHttp: false, allow: parseAllowedTargets('localhost:3000') };
    expect(checkSubscriptionUrl('https://localhost:3000/hook', opts)).toBeNull();
    expect(checkSubscriptionUrl('https://localhost:3001/hook', opts)).toContain('localhost');
    expect(checkSubscriptionUrl('https://localhost/hook', opts)).toContain('localhost');
  });

  it('accepts plain http only when enabled and towards an allow-listed target', () => {
    const allow = parseAllowedTargets('receiver.local:8080,127.0.0.1/32');
    const http = { allowHttp: true, allow };
    expect(checkSubscriptionUrl('http://receiver.local:8080/hook', http)).toBeNull();
    expect(checkSubscriptionUrl('http://127.0.0.1:9000/hook', http)).toBeNull();
    expect(checkSubscriptionUrl('http://receiver.local/hook', http)).toContain('must use https');
    expect(checkSubscriptionUrl('http://example.com/hook', http)).toContain('must use https');
    expect(checkSubscriptionUrl('http://receiver.local:8080/hook', { allowHttp: false, allow })).toContain(
      'must use https',
    );
  });
});

describe('checkConnectAddress', () => {
  const allow = parseAllowedTargets('127.0.0.1:9000');

  it('accepts public addresses and allow-listed ones, and names the range of the others', () => {
    expect(checkConnectAddress('93.184.215.14', 443, EMPTY_ALLOW_LIST)).toBeNull();
    expect(checkConnectAddress('127.0.0.1', 9000, allow)).toBeNull();
    expect(checkConnectAddress('127.0.0.1', 9001, allow)).toBe(
      'address 127.0.0.1 is not allowed: loopback range',
    );
    expect(checkConnectAddress('::ffff:10.0.0.1', 443, EMPTY_ALLOW_LIST)).toBe(
      'address ::ffff:10.0.0.1 is not allowed: private (IPv4-mapped) range',
    );
  });
});

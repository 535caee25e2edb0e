import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl, isLoopbackAddress, isPublicAddress, maxAttempts, mayCall, nextRetryIn, outcomeOf, requireAllowedAddresses, retryDelays, RETRY_BASE_MS,
} from '../../functions/domain/webhooks.ts';
import { HubError } from '../../functions/domain/errors.ts';

const DAY = 86_400_000;

describe('what a receiver\'s answer means (CONTRACT "Events")', () => {
  it('2xx is delivered, 410 disables the webhook, anything else or no answer is tried again', () => {
    expect([200, 201, 202, 204, 299].map(outcomeOf)).toEqual(Array(5).fill('delivered'));
    expect(outcomeOf(410)).toBe('disable');
    expect([undefined, 100, 301, 304, 400, 404, 429, 500, 503].map(outcomeOf)).toEqual(Array(9).fill('retry'));
  });
});

describe('the retry schedule (CONTRACT: first retry within a minute, exponential backoff for at least 3 days)', () => {
  const delays = retryDelays();
  it('retries first within a minute, then doubles', () => {
    expect(delays[0]).toBeLessThanOrEqual(60_000);
    expect(delays[0]).toBe(RETRY_BASE_MS);
    expect(delays.slice(0, 5)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
  });

  it('keeps trying for at least 3 days, never waiting more than 12 hours (SQS\'s longest visibility timeout)', () => {
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(3 * DAY);
    expect(total - delays.at(-1)!).toBeLessThan(3 * DAY); // and stops once the 3 days are covered
    expect(Math.max(...delays)).toBe(12 * 3_600_000);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
  });

  it('numbers attempts from 1: nothing after the last one (the dead-letter queue then)', () => {
    expect(nextRetryIn(1)).toBe(30_000);
    expect(nextRetryIn(maxAttempts() - 1)).toBe(delays.at(-1));
    expect(nextRetryIn(maxAttempts())).toBeUndefined();
    expect(maxAttempts()).toBe(17);
  });

  it('shrinks whole with a smaller base (tests only), keeping its shape', () => {
    expect(retryDelays(10)).toEqual(delays.map((d) => d / 3000));
    expect(maxAttempts(10)).toBe(maxAttempts());
  });
});

describe('which addresses a webhook may reach (SSRF guard)', () => {
  it('refuses private, loopback, link-local, CGNAT, reserved and multicast IPv4', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });
  it('accepts public IPv4', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '151.101.0.81']) expect(isPublicAddress(ip), ip).toBe(true);
  });
  it('refuses private IPv6 and IPv4 hidden in IPv6; accepts global unicast', () => {
    for (const ip of ['::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '2001:db8::1', '64:ff9b::a00:1']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['2a00:1450:4009:81f::200e', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(ip), ip).toBe(true);
  });
  it('refuses what is not an address at all', () => {
    for (const ip of ['', 'example.com', '1.2.3', '256.1.1.1', '1::2::3', 'gggg::1']) expect(isPublicAddress(ip), ip).toBe(false);
  });
  it('knows loopback, which only the local switch allows', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '8.8.8.8', '::2'].some(isLoopbackAddress)).toBe(false);
    expect(mayCall('127.0.0.1', false)).toBe(false);
    expect(mayCall('127.0.0.1', true)).toBe(true);
    expect(mayCall('10.0.0.1', true)).toBe(false);
  });
});

describe('webhook URLs at registration (CONTRACT: https and public addresses; http to loopback only locally)', () => {
  const refusal = (url: string, loopback = false) => {
    try {
      checkWebhookUrl(url, loopback);
    } catch (e) {
      expect(e).toBeInstanceOf(HubError);
      expect((e as HubError).code).toBe('unprocessable');
      return (e as HubError).errors?.[0];
    }
    return undefined;
  };
  it('accepts https to a name or a public address', () => {
    expect(refusal('https://hooks.example.org/hub')).toBeUndefined();
    expect(refusal('https://8.8.8.8:8443/x')).toBeUndefined();
  });
  it('refuses http, other schemes, credentials and private literals (422 naming url)', () => {
    for (const url of ['http://hooks.example.org/', 'ftp://example.org/', 'https://user:pw@example.org/', 'https://10.0.0.1/', 'https://[::1]/', 'https://169.254.169.254/latest', 'not a url', 'https://[fe80::1]/']) {
      expect(refusal(url), url).toMatchObject({ path: 'url' });
    }
  });
  it('allows http to loopback only with the local switch, and never to a private address', () => {
    expect(refusal('http://127.0.0.1:9999/hook')).toMatchObject({ message: 'must be https' });
    expect(refusal('http://127.0.0.1:9999/hook', true)).toBeUndefined();
    expect(refusal('http://localhost:9999/hook', true)).toBeUndefined();
    expect(refusal('http://10.0.0.1/hook', true)).toMatchObject({ path: 'url' });
    expect(refusal('http://example.org/hook', true)).toMatchObject({ message: 'must be https' });
  });
  it('refuses a name that resolves to nothing, or to any private address among public ones', () => {
    expect(() => requireAllowedAddresses([], false)).toThrow(HubError);
    expect(() => requireAllowedAddresses(['8.8.8.8', '10.0.0.1'], false)).toThrow(/not allowed/);
    expect(() => requireAllowedAddresses(['8.8.8.8', '2606:4700::1111'], false)).not.toThrow();
    expect(() => requireAllowedAddresses(['127.0.0.1'], false)).toThrow(HubError);
    expect(() => requireAllowedAddresses(['127.0.0.1', '::1'], true)).not.toThrow();
  });
});

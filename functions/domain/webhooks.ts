import { unprocessable } from './errors.ts';

/**
 * Webhooks (CONTRACT.md "Events"): which URLs may receive events, when a failed delivery is tried
 * again, and what a receiver's answer means. Pure: the store keeps webhooks and their attempts,
 * functions/events/ resolves names and posts.
 */

// ------------------------------------------------------------------ what an answer means
export type Outcome = 'delivered' | 'disable' | 'retry';

/**
 * A receiver's answer (CONTRACT "Events"): any 2xx is delivered; 410 Gone disables the webhook
 * (Standard Webhooks: the receiver asks not to be called again); anything else, and no answer at
 * all (`undefined`: a time-out, refused connection or an address refused at send time), is tried again.
 */
export function outcomeOf(status: number | undefined): Outcome {
  if (status !== undefined && status >= 200 && status <= 299) return 'delivered';
  if (status === 410) return 'disable';
  return 'retry';
}

// ------------------------------------------------------------------ when to try again
/** The contract's base: the first retry within a minute (30 s after the first attempt). */
export const RETRY_BASE_MS = 30_000;
/** Keep trying for at least this long after the first attempt (CONTRACT: "at least 3 days"). */
export const RETRY_WINDOW_IN_BASES = (3 * 86_400_000) / RETRY_BASE_MS;
/** No single wait is longer than this (12 hours at the contract's base: SQS's longest visibility timeout). */
export const RETRY_CAP_IN_BASES = (12 * 3_600_000) / RETRY_BASE_MS;

/**
 * The waits before each retry, in milliseconds: base, 2×base, 4×base … doubling up to the cap,
 * until together they span the 3-day window (at the contract's base: 30 s, 1 min, 2 min … 8.5 h,
 * then every 12 h, 16 retries reaching 77 h). `base` is smaller only in tests, which shrinks the
 * whole schedule with it.
 */
export function retryDelays(base = RETRY_BASE_MS): number[] {
  const delays: number[] = [];
  let spent = 0;
  for (let n = 0; spent < RETRY_WINDOW_IN_BASES * base; n++) {
    const wait = Math.min(base * 2 ** n, RETRY_CAP_IN_BASES * base);
    delays.push(wait);
    spent += wait;
  }
  return delays;
}

/** How many attempts a delivery gets in all (the first and every retry): the dead-letter queue's maxReceiveCount. */
export const maxAttempts = (base = RETRY_BASE_MS): number => retryDelays(base).length + 1;

/**
 * After attempt number `attempt` (1 = the first) failed: how long to wait before the next, or
 * `undefined` when the schedule is spent (the delivery is given up: the dead-letter queue).
 */
export function nextRetryIn(attempt: number, base = RETRY_BASE_MS): number | undefined {
  return retryDelays(base)[attempt - 1];
}

// ------------------------------------------------------------------ which URLs
/**
 * Whether an IP address (v4 or v6, as text) is public: not private (RFC 1918, fc00::/7),
 * loopback, link-local (169.254/16, fe80::/10: cloud metadata lives there), carrier-grade NAT,
 * unspecified, multicast, reserved, documentation or benchmarking space. An IPv4-mapped IPv6
 * address is judged as its IPv4 address.
 */
export function isPublicAddress(ip: string): boolean {
  const v4 = parseV4(ip);
  if (v4) return !V4_BLOCKED.some(([net, bits]) => inV4(v4, net, bits));
  const v6 = parseV6(ip);
  if (!v6) return false;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible): the IPv4 address decides
  if (v6.slice(0, 5).every((w) => w === 0) && (v6[5] === 0xffff || v6[5] === 0)) {
    const mapped = [v6[6]! >> 8, v6[6]! & 255, v6[7]! >> 8, v6[7]! & 255];
    if (v6[5] === 0xffff || mapped.some((b) => b !== 0)) return !V4_BLOCKED.some(([net, bits]) => inV4(mapped, net, bits));
  }
  return !V6_BLOCKED.some(([net, bits]) => inV6(v6, net, bits));
}

/** Whether an address is loopback (127/8, ::1, ::ffff:127.x): the local switch allows these. */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = parseV4(ip) ?? mappedV4(ip);
  if (v4) return v4[0] === 127;
  const v6 = parseV6(ip);
  return !!v6 && v6.slice(0, 7).every((w) => w === 0) && v6[7] === 1;
}

/** The address families an address may be in to be called: public, or loopback when the local switch is on. */
export const mayCall = (ip: string, allowLoopback: boolean): boolean => isPublicAddress(ip) || (allowLoopback && isLoopbackAddress(ip));

const refused = (message: string) => unprocessable('The webhook URL is not allowed.', [{ path: 'url', message }]);

/**
 * The rules a URL meets before anything is resolved (CONTRACT "Events"): absolute `https`, no
 * credentials in it, and no host that names a private address; `http` only to a loopback host
 * when the local switch (HUB_WEBHOOKS_ALLOW_LOOPBACK=1) is on. 422 naming `url` otherwise. The
 * host must still resolve to allowed addresses only (`requireAllowedAddresses`), at registration
 * and again at every send.
 */
export function checkWebhookUrl(text: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused('not an absolute URL');
  }
  if (url.username || url.password) throw refused('credentials in the URL are not allowed');
  const host = hostOf(url);
  const literal = parseV4(host) || parseV6(host) ? host : undefined;
  if (url.protocol === 'http:') {
    const loopbackName = host === 'localhost' || (literal !== undefined && isLoopbackAddress(literal));
    if (!(allowLoopback && loopbackName)) throw refused('must be https');
  } else if (url.protocol !== 'https:') {
    throw refused('must be https');
  }
  if (literal !== undefined && !mayCall(literal, allowLoopback)) throw refused('names a private, loopback or link-local address');
  if (!host || (literal === undefined && !/^[a-z0-9.-]+$/i.test(host))) throw refused('not a host name');
  return url;
}

/** A URL's host as a resolver or an address check wants it (IPv6 without its brackets). */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address the host resolved to is allowed (one private address among them refuses it all: 422 naming `url`). */
export function requireAllowedAddresses(addresses: readonly string[], allowLoopback: boolean): void {
  if (addresses.length === 0) throw refused('does not resolve');
  const bad = addresses.find((a) => !mayCall(a, allowLoopback));
  if (bad !== undefined) throw refused(`resolves to a private, loopback or link-local address (${bad})`);
}

// ------------------------------------------------------------------ addresses, pure
type V4 = number[];
type V6 = number[];

function parseV4(ip: string): V4 | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function mappedV4(ip: string): V4 | undefined {
  const v6 = parseV6(ip);
  if (!v6 || !v6.slice(0, 5).every((w) => w === 0) || v6[5] !== 0xffff) return undefined;
  return [v6[6]! >> 8, v6[6]! & 255, v6[7]! >> 8, v6[7]! & 255];
}

function parseV6(ip: string): V6 | undefined {
  let text = ip.replace(/%.*$/, '').toLowerCase(); // zone index
  if (!text.includes(':')) return undefined;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[2]!);
    if (!v4) return undefined;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string) => (s === '' ? [] : s.split(':'));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  if ([...head, ...rest].some((w) => !/^[0-9a-f]{1,4}$/.test(w))) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const zeros = 8 - given;
  return [...head.map((w) => parseInt(w, 16)), ...Array<number>(halves.length === 2 ? zeros : 0).fill(0), ...rest.map((w) => parseInt(w, 16)), ...tail];
}

const inV4 = (ip: V4, net: V4, bits: number): boolean => {
  const n = (a: V4) => ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((n(ip) & mask) >>> 0) === ((n(net) & mask) >>> 0);
};

const inV6 = (ip: V6, net: V6, bits: number): boolean => {
  for (let i = 0; i < 8; i++) {
    const take = Math.max(0, Math.min(16, bits - i * 16));
    const mask = take === 0 ? 0 : (0xffff << (16 - take)) & 0xffff;
    if ((ip[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
};

/** IANA special-purpose IPv4 space (RFC 6890 and successors) that is not globally reachable. */
const V4_BLOCKED: [V4, number][] = ([
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const).map(([a, b]) => [parseV4(a)!, b]);

/** IPv6 space that is not globally reachable: unspecified, loopback, NAT64/discard/documentation, ULA, link-local, site-local, multicast. */
const V6_BLOCKED: [V6, number][] = ([
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const).map(([a, b]) => [parseV6(a)!, b]);

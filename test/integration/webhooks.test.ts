import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressed, EVENT_SETTLE_MS, type EventType, type HubEvent } from '../../functions/domain/events.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { writeEvents } from '../../functions/store/events.ts';
import { newId } from '../../functions/store/ids.ts';
import { call, unique, type CallOptions } from '../support/hub.ts';
import { startIsolatedHub, type IsolatedHub } from '../support/isolated.ts';

/**
 * Webhooks on the local stack (CONTRACT.md "Events"): a hub of its own (its own table, whose
 * stream the delivery process reads), the local delivery process as its own process (so it can be
 * killed), and a real receiver on loopback (HUB_WEBHOOKS_ALLOW_LOOPBACK=1). The retry base is
 * 200 ms here (HUB_WEBHOOK_RETRY_BASE_MS; 30 s by default), so retries come in fractions of a second.
 */

const RETRY_BASE_MS = 200;
Object.assign(process.env, { HUB_WEBHOOKS_ALLOW_LOOPBACK: '1', HUB_WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS) });

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let hub: IsolatedHub;
let receiver: Server;
let receiverUrl: string;
let delivery: ChildProcess | undefined;
const received: Received[] = [];
/** Status answers per path, in turn (the last one repeats); 204 for a path not listed. */
const answers = new Map<string, number[]>();
/** Work done before a path's next answer (once), e.g. a change made while an attempt waits for its answer. */
const beforeAnswer = new Map<string, () => Promise<void>>();

function startDelivery(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/deliver.ts'], { env: { ...process.env, LOG_LEVEL: 'SILENT' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('delivering') && resolve(child));
    child.once('exit', (code) => reject(new Error(`delivery exited ${code}`)));
  });
}

const as = async (who: string, method: string, path: string, opts: CallOptions = {}) =>
  call(null, method, path, { ...opts, baseUrl: hub.baseUrl, headers: { 'x-api-key': await hub.key(who), ...(opts.headers ?? {}) } });

async function register(who: string, path: string, events: EventType[]) {
  const r = await as(who, 'POST', '/v1/webhooks', { body: { url: `${receiverUrl}${path}`, events } });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; url: string; events: EventType[]; secret: string };
}

/** Writes one event for `recipient` through the store, as a change's transaction would. */
async function emit(recipient: string, type: EventType, subjectId = `sub_${unique()}`): Promise<HubEvent> {
  const [one] = addressed(type, subjectId, [recipient], new Date(), () => newId());
  await writeEvents([one!]);
  return one!.event;
}

const at = (path: string) => received.filter((r) => r.path === path);

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  hub = await startIsolatedHub('webhooks');
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers as Record<string, string>, body });
      const list = answers.get(path) ?? [204];
      const status = list.length > 1 ? list.shift()! : list[0]!;
      const first = beforeAnswer.get(path);
      beforeAnswer.delete(path);
      void (first ?? (async () => undefined))().then(() => res.writeHead(status).end(), (e: Error) => res.writeHead(599, e.message).end());
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  delivery = await startDelivery();
}, 120_000);

afterAll(async () => {
  delivery?.kill('SIGKILL');
  receiver?.close();
  await hub?.stop();
});

describe('a registered webhook (Standard Webhooks)', () => {
  it('receives its events signed with its secret, and only the types it took and its own', async () => {
    const me = `provider:wh-${unique()}`;
    const hook = await register(me, '/ok', ['vacancy.expiring', 'placement.created']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const ignored = await emit(me, 'rollup.published'); // a type it did not take
    const other = await emit(`provider:wh-other-${unique()}`, 'vacancy.expiring'); // someone else's
    const event = await emit(me, 'vacancy.expiring');
    const got = await until('the delivery', () => at('/ok').find((r) => r.headers['webhook-id'] === event.id));
    const verified = new Webhook(hook.secret).verify(got.body, got.headers);
    expect(verified).toEqual(event);
    expect(JSON.parse(got.body)).toEqual({ id: event.id, type: 'vacancy.expiring', occurredAt: event.occurredAt, subject: event.subject });
    expect(() => new Webhook(`whsec_${Buffer.from('another secret 24 bytes!').toString('base64')}`).verify(got.body, got.headers)).toThrow();
    await new Promise((r) => setTimeout(r, 500));
    expect(received.filter((r) => [ignored.id, other.id].includes(r.headers['webhook-id']!))).toEqual([]);
    const log = await until('the delivery log', async () => {
      const r = await as(me, 'GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.json.items.length > 0 && r.json;
    });
    expect(log.items).toEqual([expect.objectContaining({ eventId: event.id, eventType: 'vacancy.expiring', attempt: 1, status: 204, result: 'delivered' })]);
  });

  it('tries a 500 again with the same webhook-id until it is taken, logging each attempt with its next retry', async () => {
    const me = `provider:wh-${unique()}`;
    const hook = await register(me, '/flaky', ['placement.created']);
    answers.set('/flaky', [500, 503, 200]);
    const event = await emit(me, 'placement.created');
    const tries = await until('three attempts', () => at('/flaky').length >= 3 && at('/flaky'));
    expect(tries.map((t) => t.headers['webhook-id'])).toEqual([event.id, event.id, event.id]);
    for (const t of tries) expect(new Webhook(hook.secret).verify(t.body, t.headers)).toEqual(event);
    const log = await until('three logged attempts', async () => {
      const r = await as(me, 'GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.json.items.length >= 3 && r.json.items;
    });
    expect(log.map((d: any) => [d.attempt, d.status, d.result])).toEqual([[3, 200, 'delivered'], [2, 503, 'failed'], [1, 500, 'failed']]);
    const first = log[2];
    expect(Date.parse(first.nextRetryAt) - Date.parse(first.at)).toBe(RETRY_BASE_MS);
    expect(Date.parse(log[1].at)).toBeGreaterThanOrEqual(Date.parse(first.nextRetryAt));
  });

  it('a 410 disables the webhook: it shows disabled and receives nothing more', async () => {
    const me = `provider:wh-${unique()}`;
    const hook = await register(me, '/gone', ['vacancy.expiring']);
    answers.set('/gone', [410]);
    await emit(me, 'vacancy.expiring');
    await until('the 410', () => at('/gone').length === 1);
    const listed = await until('disabled', async () => {
      const r = await as(me, 'GET', '/v1/webhooks');
      return r.json.items[0]?.status === 'disabled' && r.json.items;
    });
    expect(listed).toEqual([expect.objectContaining({ id: hook.id, status: 'disabled', disabledAt: expect.any(String) })]);
    await emit(me, 'vacancy.expiring');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(at('/gone')).toHaveLength(1);
  });

  it('withholds an event about a referral its recipient may not read, and never retries it', async () => {
    const me = `provider:wh-${unique()}`;
    const hook = await register(me, '/withheld', ['referral.shared']);
    await emit(me, 'referral.shared', `ref_${unique()}`); // no such referral now: nothing the provider may read
    const log = await until('the withheld attempt', async () => {
      const r = await as(me, 'GET', `/v1/webhooks/${hook.id}/deliveries`);
      return r.json.items.length > 0 && r.json.items;
    });
    expect(log).toEqual([expect.objectContaining({ attempt: 1, result: 'withheld' })]);
    expect(log[0].status).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(at('/withheld')).toEqual([]);
  });

  it('still delivers when the hub\'s delivery is killed (-9) between the change and its delivery', async () => {
    const me = `provider:wh-${unique()}`;
    const hook = await register(me, '/after-restart', ['placement.created']);
    delivery!.kill('SIGKILL');
    await new Promise((r) => delivery!.once('exit', r));
    const event = await emit(me, 'placement.created');
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/after-restart')).toEqual([]);
    delivery = await startDelivery();
    const got = await until('the delivery after the restart', () => at('/after-restart').find((r) => r.headers['webhook-id'] === event.id));
    expect(new Webhook(hook.secret).verify(got.body, got.headers)).toEqual(event);
  });
});

describe('consent withdrawn before delivery (CONTRACT "Events": not delivered, not even as a retry)', () => {
  const OWNER = 'authority:essex';
  /** A real referral on this hub, shared with `provider` (and one other provider). */
  async function sharedReferral(provider: string): Promise<string> {
    const r = await as(OWNER, 'POST', '/v1/referrals', {
      body: {
        agreementId: 'commission-east-placements-isp',
        purpose: 'placement-matching',
        child: { childRef: `ESX-${unique()}`, age: 14, sex: 'female', needs: ['self-harm'], homeOutcode: 'CM1', urgency: 'within-5-days' },
        lawfulBasis: { article6: '6(1)(e)', article9: '9(2)(g)', schedule1Condition: 'part2-para18' },
        shareWith: [provider.slice('provider:'.length), 'meadowview-care'],
      },
    });
    expect(r.status, r.text).toBe(201);
    return r.json.id;
  }
  const withdraw = async (referralId: string) => {
    const w = await as(OWNER, 'POST', `/v1/referrals/${referralId}/consent`, { body: { status: 'withdrawn', recordedAt: new Date().toISOString() } });
    expect(w.status, w.text).toBe(200);
  };
  const deliveries = async (who: string, hookId: string) => (await as(who, 'GET', `/v1/webhooks/${hookId}/deliveries`)).json.items as any[];
  /** The provider's whole feed, past the settle window (domain/events.ts EVENT_SETTLE_MS). */
  async function feed(who: string): Promise<HubEvent[]> {
    await new Promise((r) => setTimeout(r, EVENT_SETTLE_MS + 500));
    const r = await as(who, 'GET', '/v1/events', { query: { limit: 100 } });
    expect(r.status, r.text).toBe(200);
    return r.json.items;
  }

  it('a 500 first; consent withdrawn before the retry: the retry is withheld and logged so, never sent, and the feed no longer offers it', async () => {
    const me = 'provider:harbour-care';
    const hook = await register(me, '/consent-retry', ['referral.shared']);
    answers.set('/consent-retry', [500, 204]);
    let referralId = '';
    // the first attempt's answer waits until the withdrawal has committed: the retry comes after it
    beforeAnswer.set('/consent-retry', () => until('the referral id', () => referralId).then(withdraw));
    referralId = await sharedReferral(me);
    const first = await until('the first attempt', () => at('/consent-retry')[0]);
    expect(JSON.parse(first.body)).toMatchObject({ type: 'referral.shared', subject: { kind: 'referral', id: referralId } });
    expect(new Webhook(hook.secret).verify(first.body, first.headers)).toMatchObject({ subject: { id: referralId } });
    const log = await until('the withheld retry', async () => {
      const items = await deliveries(me, hook.id);
      return items.length >= 2 && items;
    });
    expect(log.map((d) => [d.attempt, d.status, d.result])).toEqual([[2, undefined, 'withheld'], [1, 500, 'failed']]);
    expect(log[0].error).toMatch(/may no longer read/);
    // well past the schedule's next retries: the receiver never hears of it again
    await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 20));
    expect(at('/consent-retry')).toHaveLength(1);
    expect(await deliveries(me, hook.id)).toHaveLength(2);
    expect((await feed(me)).filter((e) => e.subject.id === referralId)).toEqual([]);
    // the owner still reads its referral: only the provider's copy is withheld
    expect((await as(OWNER, 'GET', `/v1/referrals/${referralId}`)).status).toBe(200);
  });

  it('consent withdrawn before the first attempt: nothing is sent, the attempt is logged withheld', async () => {
    const me = 'provider:fenland-childrens-homes';
    const hook = await register(me, '/consent-first', ['referral.shared']);
    delivery!.kill('SIGKILL');
    await new Promise((r) => delivery!.once('exit', r));
    const referralId = await sharedReferral(me);
    await withdraw(referralId);
    delivery = await startDelivery();
    const log = await until('the withheld attempt', async () => {
      const items = await deliveries(me, hook.id);
      return items.length > 0 && items;
    });
    expect(log).toEqual([expect.objectContaining({ attempt: 1, result: 'withheld', eventType: 'referral.shared' })]);
    await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 10));
    expect(at('/consent-first')).toEqual([]);
    expect(await deliveries(me, hook.id)).toHaveLength(1);
    expect((await feed(me)).filter((e) => e.subject.id === referralId)).toEqual([]);
  });
});

describe('registration', () => {
  it('refuses http to a public host, private, link-local and unresolvable addresses (422 naming url), writing nothing', async () => {
    const me = `authority:essex`;
    for (const url of ['http://example.org/hook', 'https://10.0.0.1/hook', 'https://192.168.1.20/hook', 'https://169.254.169.254/latest', 'https://[fd00::1]/hook', 'https://no-such-host.invalid/hook', 'ftp://example.org/']) {
      const r = await as(me, 'POST', '/v1/webhooks', { body: { url, events: ['offer.made'] } });
      expect(r.status, url).toBe(422);
      expect(r.json.errors, url).toEqual([expect.objectContaining({ path: 'url' })]);
    }
    expect((await as(me, 'GET', '/v1/webhooks')).json.items).toEqual([]);
  });

  it('refuses unknown event types and fields (400)', async () => {
    const r = await as('authority:suffolk', 'POST', '/v1/webhooks', { body: { url: `${receiverUrl}/x`, events: ['offer.invented'] } });
    expect(r.status).toBe(400);
    const r2 = await as('authority:suffolk', 'POST', '/v1/webhooks', { body: { url: `${receiverUrl}/x`, events: ['offer.made'], secret: 'mine' } });
    expect(r2.status).toBe(400);
  });

  it('keeps the secret only sealed: not in the webhook item, nor in the stored Idempotency-Key answer, which replays it', async () => {
    const me = `provider:wh-${unique()}`;
    const headers = { 'idempotency-key': `reg-${unique()}` };
    const first = await as(me, 'POST', '/v1/webhooks', { body: { url: `${receiverUrl}/sealed`, events: ['offer.accepted'] }, headers });
    expect(first.status).toBe(201);
    const again = await as(me, 'POST', '/v1/webhooks', { body: { url: `${receiverUrl}/sealed`, events: ['offer.accepted'] }, headers });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    const secret: string = first.json.secret;
    const raw = secret.slice('whsec_'.length);
    const items = (await dynamo().send(new ScanCommand({ TableName: config.tableName, ConsistentRead: true }))).Items ?? [];
    const hook = items.find((i) => i.kind === 'webhook' && i.id === first.json.id);
    expect(hook).toBeDefined();
    expect(hook!.secretSealed).toMatch(/^v1\./);
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(raw);
    expect(dump).not.toContain(Buffer.from(raw, 'base64').toString('hex'));
  });

  it('another principal\'s webhook and its deliveries are 404, and not in its list', async () => {
    const owner = `provider:wh-${unique()}`;
    const other = `provider:wh-${unique()}`;
    const hook = await register(owner, '/mine', ['vacancy.expiring']);
    expect((await as(other, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await as('authority:essex', 'GET', `/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await as(other, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await as(other, 'GET', '/v1/webhooks')).json.items).toEqual([]);
    expect((await as(owner, 'GET', '/v1/webhooks')).json.items.map((w: any) => w.id)).toEqual([hook.id]);
    expect((await as(owner, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await as(owner, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
  });
});

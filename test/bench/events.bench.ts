import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressed, type HubEvent } from '../../functions/domain/events.ts';
import { writeEvents } from '../../functions/store/events.ts';
import { newId } from '../../functions/store/ids.ts';
import { createWebhook } from '../../functions/store/webhooks.ts';
import { pooled } from '../support/pooled.ts';
import { judge, percentile, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * Webhook delivery end to end (issue 15), through the local hub's delivery (infra/local/deliver.ts,
 * its own process, as `npm start` runs it: the table's stream → the retry queue in the table →
 * signed POST) to an HTTPS receiver on loopback that answers 204 (a certificate for 127.0.0.1 made
 * for the run with openssl, which the delivery process trusts through NODE_EXTRA_CA_CERTS). Each event is committed in its own
 * transaction through the store, as a change writes its outbox record. Latency runs from each
 * commit to the receiver's answer: (1) on an idle hub, one at a time; (2) with EVENTS committed as
 * fast as WRITERS writers can, so that they queue. (3) Sender throughput: EVENTS written while
 * delivery is stopped, drained from its start, beside the bare rate of the same HTTPS POSTs (same
 * body, a new connection each as the sender makes them, WIDTH in flight) to the same receiver in
 * the same run.
 *
 * Assumes this process's environment points the store at the bench's DynamoDB Local (run.ts).
 */

const EVENTS = 1_000;
const WRITERS = 16;
const WIDTH = 32;
const RECIPIENT = 'provider:bench-webhooks';
/** Idle deliveries timed one at a time. */
const IDLE = 30;
/** Targets (2 shared cores, DynamoDB Local): see the report for the figures they were set from. */
const BACKLOG_P50_S = 30;
const BACKLOG_P99_S = 60;
/** Each delivery is ~7 DynamoDB Local calls (stream fan-out, due record, webhook read, log, removal) besides the POST. */
const SENDER_SHARE_OF_BARE = 0.1;

interface Receiver {
  server: Server;
  url: string;
  arrived: Map<string, number>;
  /** The receiver's certificate file (PEM), for the sender to trust. */
  caFile: string;
  ca: Buffer;
  dir: string;
}

/** A throwaway self-signed certificate for 127.0.0.1 (P-256), in a temporary directory. */
function certificate(): { dir: string; key: Buffer; cert: Buffer; caFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-tls-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', caFile,
  ], { stdio: 'ignore' });
  return { dir, key: readFileSync(keyFile), cert: readFileSync(caFile), caFile };
}

async function startReceiver(): Promise<Receiver> {
  const arrived = new Map<string, number>();
  const tls = certificate();
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') arrived.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, arrived, caFile: tls.caFile, ca: tls.cert, dir: tls.dir };
}

function startDelivery(env: Record<string, string>, caFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/deliver.ts'], {
    env: { ...process.env, ...env, HUB_WEBHOOKS_ALLOW_LOOPBACK: '1', LOG_LEVEL: 'SILENT', NODE_EXTRA_CA_CERTS: caFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('delivering') && resolve(child));
    child.once('exit', (code) => reject(new Error(`delivery exited ${code}`)));
  });
}

/** One bare HTTPS POST of `body` on a new connection (a TLS handshake each, as the sender makes them); resolves on the answer. */
const barePost = (url: URL, body: string, ca: Buffer) =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function emit(n: number, committed: Map<string, number>, events: HubEvent[], writers = WRITERS): Promise<void> {
  await pooled(Array.from({ length: n }, (_, i) => i), writers, async (i) => {
    const [one] = addressed('vacancy.expiring', `vac_bench_${i}`, [RECIPIENT], new Date(), () => newId());
    await writeEvents([one!]);
    committed.set(one!.event.id, performance.now());
    events.push(one!.event);
  });
}

const seconds = (ms: number) => round(ms / 1000, 2);

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  process.env.HUB_WEBHOOKS_ALLOW_LOOPBACK = '1';
  const receiver = await startReceiver();
  let delivery = await startDelivery(ctx.env, receiver.caFile);
  const stop = async () => {
    delivery.kill('SIGTERM');
    await new Promise((r) => delivery.once('exit', r));
  };
  try {
    await createWebhook(RECIPIENT, receiver.url, ['vacancy.expiring'], new Date());
    const arrivedAll = (events: HubEvent[]) => () => events.every((e) => receiver.arrived.has(e.id));

    // 1. an idle hub: one change at a time, each delivered before the next
    const idle: number[] = [];
    for (let i = 0; i < IDLE + 3; i++) {
      const committed = new Map<string, number>();
      const events: HubEvent[] = [];
      await emit(1, committed, events, 1);
      await until('an idle delivery', arrivedAll(events), 30_000);
      if (i >= 3) idle.push(receiver.arrived.get(events[0]!.id)! - committed.get(events[0]!.id)!); // 3 to warm up
    }
    idle.sort((a, b) => a - b);

    // 2. 1,000 changes committed as fast as WRITERS can, delivered as they come
    const committed = new Map<string, number>();
    const events: HubEvent[] = [];
    const started = performance.now();
    await emit(EVENTS, committed, events);
    const written = performance.now();
    await until(`${EVENTS} deliveries`, arrivedAll(events), 600_000);
    const latencies = events.map((e) => receiver.arrived.get(e.id)! - committed.get(e.id)!).sort((a, b) => a - b);

    // 3. the sender alone: 1,000 events written while delivery is stopped (a hub that was down),
    //    then drained from the moment it starts
    await stop();
    const backlog: HubEvent[] = [];
    await emit(EVENTS, new Map(), backlog);
    const drainStart = performance.now();
    delivery = await startDelivery(ctx.env, receiver.caFile);
    await until(`${EVENTS} backlog deliveries`, arrivedAll(backlog), 600_000);
    const drained = Math.max(...backlog.map((e) => receiver.arrived.get(e.id)!));
    const throughput = round(EVENTS / ((drained - drainStart) / 1000), 0);

    // the bare rate of the same POSTs to the same receiver, the same width in flight
    const body = JSON.stringify(events[0]);
    const url = new URL(receiver.url);
    const bareStart = performance.now();
    await pooled(Array.from({ length: EVENTS }, (_, i) => i), WIDTH, () => barePost(url, body, receiver.ca));
    const bareRate = round(EVENTS / ((performance.now() - bareStart) / 1000), 0);

    const p50 = seconds(percentile(latencies, 50));
    const p99 = seconds(percentile(latencies, 99));
    const writeSeconds = seconds(written - started);
    return [
      { name: 'commit → receiver 2xx p50, idle hub', value: seconds(percentile(idle, 50)), unit: 's', ...judge(seconds(percentile(idle, 50)), '≤', 1, 's') },
      { name: 'commit → receiver 2xx p99, idle hub', value: seconds(percentile(idle, 99)), unit: 's', ...judge(seconds(percentile(idle, 99)), '≤', 2, 's') },
      { name: `${EVENTS} changes committed (${WRITERS} writers): seconds to commit them all`, value: writeSeconds, unit: 's' },
      { name: `commit → receiver 2xx p50, ${EVENTS} queued`, value: p50, unit: 's', ...judge(p50, '≤', BACKLOG_P50_S, 's') },
      { name: `commit → receiver 2xx p99, ${EVENTS} queued`, value: p99, unit: 's', ...judge(p99, '≤', BACKLOG_P99_S, 's') },
      {
        name: `sender throughput, draining ${EVENTS} queued (signed deliveries/s)`, value: throughput, unit: '/s',
        baseline: { name: `bare HTTPS POST rate, ${WIDTH} in flight`, value: bareRate },
        // relative to the bare rate measured in the same run: the machine's load moves both
        ...judge(throughput, '≥', round(SENDER_SHARE_OF_BARE * bareRate, 0), '/s', `${SENDER_SHARE_OF_BARE}× bare POST rate`),
      },
    ];
  } finally {
    delivery.kill('SIGTERM');
    receiver.server.close();
    rmSync(receiver.dir, { recursive: true, force: true });
  }
}

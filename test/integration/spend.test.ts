import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { call, isProblem, pageAll, unique } from '../support/hub.ts';
import { config, dynamo } from '../../functions/store/config.ts';
import { getObjectBytes } from '../../functions/store/objects.ts';
import * as keys from '../../functions/store/keys.ts';
import { putHomeRecords, type HomeItem } from '../../functions/store/homes.ts';
import { readManifest, runRollup } from '../../functions/store/rollups.ts';
import { handler as nightlyRollup, nightlyPeriods } from '../../functions/jobs/rollup.ts';
import { runRollupCommand } from '../../functions/cli/rollup.ts';
import { londonToday } from '../../functions/domain/calendar-days.ts';

/**
 * Pooled spend end to end on the local stack (DynamoDB Local + the S3 server + the gateway).
 * Each test uses its own months, far in the past, so rollups see only that test's batches.
 */

const ESSEX = 'authority:essex';
const NORFOLK = 'authority:norfolk';
const SUFFOLK = 'authority:suffolk';
const PO = 'programme-office';

const s3Bytes = (key: string): Promise<Buffer> => getObjectBytes(key);

const csvPost = (who: string, csv: string) => call(who, 'POST', '/v1/spend/batches', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
const jsonPost = (who: string, lines: unknown[]) => call(who, 'POST', '/v1/spend/batches', { body: { lines } });

const line = (o: Record<string, unknown>) => ({ placementType: 'K2', placementProvider: 'PR4', providerName: 'Acme Care Ltd', amount: 100, ...o });

/** Five placements of distinct children with one provider, so counts are not suppressed. */
const five = (period: string, providerName: string, prefix: string, amount = 1000) =>
  Array.from({ length: 5 }, (_, i) => line({ period, providerName, childRef: `${prefix}-${i}`, amount }));

/**
 * The keys of every object in the S3 server's bucket whose bytes contain `needle` (the whole
 * bucket, listed with ListObjects markers: the emulator's V2 continuation tokens need a legacy cipher).
 */
async function objectsContaining(needle: string): Promise<string[]> {
  const s3 = new S3Client({ forcePathStyle: true });
  const found: string[] = [];
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: config.bucketName, ...(marker ? { Marker: marker } : {}) }));
    const keysHere = (page.Contents ?? []).map((o) => o.Key!);
    for (const key of keysHere) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: config.bucketName, Key: key }))).Body!.transformToString();
      if (body.includes(needle)) found.push(key);
    }
    marker = page.IsTruncated ? (page.NextMarker ?? keysHere.at(-1)) : undefined;
  } while (marker);
  return found;
}

describe('what the hub keeps of a batch: its accepted lines and the fields it knows, nothing else', () => {
  it('JSON: a rejected line and an unknown field holding a child\'s name are in neither /raw nor anywhere in the bucket', async () => {
    const name = `Zebedee Quill ${unique()}`;
    const kept = [line({ period: '2016-01', childRef: 'KP-1' }), line({ period: '2016-01', childRef: 'KP-2', amount: 250.5, weeks: 1 })];
    const r = await jsonPost(ESSEX, [
      kept[0],
      line({ period: '2016-01', childRef: 'KP-3', childName: name }),
      kept[1],
      line({ period: '2016-01', childRef: 'KP-4', providerName: `${name} Care`, placementType: 'ZZ' }),
      line({ period: '2016-01', childRef: 'KP-5', weeks: name }),
    ]);
    expect(r.status, r.text).toBe(201);
    expect(r.json.accepted).toBe(2);
    expect(r.json.rejected.map((x: any) => x.line)).toEqual([2, 4, 5]);
    expect(r.text).not.toContain(name);

    const raw = await call(ESSEX, 'GET', `/v1/spend/batches/${r.json.batchId}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(raw.text)).toEqual({ lines: kept });
    expect(raw.text).not.toContain(name);
    expect(await objectsContaining(name)).toEqual([]);
  });

  it('CSV: rejected rows (a name in an extra cell, in the amount, in weeks) are in neither /raw nor anywhere in the bucket; an unknown column is a 400 storing nothing', async () => {
    const name = `Zebedee Quill ${unique()}`;
    const header = 'Period,Provider Name,Placement Type,Placement Provider,Child Ref,Weeks,Amount';
    const csv = [
      header,
      '2016-02,"Harbour Care, Ltd",K2,PR4,KC-1,4,"£5,963.52"',
      `2016-02,Acme Care Ltd,K2,PR4,KC-2,,£10.00,${name}`,
      `2016-02,Acme Care Ltd,K2,PR4,KC-3,,${name}`,
      `2016-02,Acme Care Ltd,K2,PR4,KC-4,${name},£1.00`,
      '2016-02,Acme Care Ltd,U1,PR1,KC-5,,-£12.00',
    ].join('\r\n');
    const r = await csvPost(ESSEX, csv);
    expect(r.status, r.text).toBe(201);
    expect(r.json.accepted).toBe(2);
    expect(r.json.rejected.map((x: any) => x.line)).toEqual([2, 3, 4]);
    expect(r.text).not.toContain(name);

    const raw = await call(ESSEX, 'GET', `/v1/spend/batches/${r.json.batchId}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(raw.text).toBe([header, '2016-02,"Harbour Care, Ltd",K2,PR4,KC-1,4,"£5,963.52"', '2016-02,Acme Care Ltd,U1,PR1,KC-5,,-£12.00'].join('\r\n'));

    const unknownColumn = await csvPost(ESSEX, `${header},Child Name\r\n2016-02,Acme Care Ltd,K2,PR4,KC-6,,£1.00,${name}\r\n`);
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.text).not.toContain(name);
    expect(await objectsContaining(name)).toEqual([]);
  });

  it('20 identical batches posted at once, without a key: each answers 201 or 200 with the same batch, counted once', async () => {
    for (const month of ['2016-04', '2016-05', '2016-06']) {
      const lines = five(month, 'Crowd Care', `CR${month}`);
      const answers = await Promise.all(Array.from({ length: 20 }, () => jsonPost(NORFOLK, lines)));
      expect(answers.map((a) => a.status).sort(), answers.map((a) => `${a.status} ${a.text}`).join('\n')).toEqual([...Array(19).fill(200), 201]);
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
      const { batchId } = answers[0]!.json;
      expect((await pageAll(NORFOLK, '/v1/spend/batches')).filter((b) => b.batchId === batchId)).toHaveLength(1);
      expect((await call(PO, 'POST', '/v1/rollups', { body: { period: month } })).status).toBe(201);
      expect((await call(PO, 'GET', `/v1/rollups/${month}`)).json.totals.spend).toBe(5000);
    }
  });
});

describe('spend batches', () => {
  it('takes a finance-system CSV: header, quotes, £ and thousands separators; bad lines listed by data line', async () => {
    const csv = [
      'Period,Provider Name,Placement Type,Placement Provider,Child Ref,Weeks,Weekly Cost,Amount',
      '2011-04,"Harbour Care, Ltd",K2,PR4,E-1,4,"£1,490.88","£5,963.52"',
      '2011-04,Acme Care Ltd,K2,PR4,E-2,,,-£12.00',
      '',
      '2011-04,Acme Care Ltd,ZZ,PR4,E-3,,,£1.00',
      '2011-05,Acme Care Ltd,K2,PR4,E-4,,,not money',
      '2011-05,"Acme ""Quoted"" Care",U1,PR1,E-5,,,"1,000"',
    ].join('\r\n');
    const r = await csvPost(ESSEX, csv);
    expect(r.status).toBe(201);
    expect(r.json.accepted).toBe(3);
    expect(r.json.rejected.map((x: any) => x.line)).toEqual([3, 4]);
    expect(r.json.rejected[0].errors[0].path).toBe('placementType');
    expect(r.json.rejected[1].errors[0]).toMatchObject({ path: 'amount' });
    expect(r.json.batchId).toMatch(/^[0-9a-f]{32}$/);

    const one = await call(ESSEX, 'GET', `/v1/spend/batches/${r.json.batchId}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ authority: 'essex', format: 'csv', lines: 5, accepted: 3, rejected: 2, months: ['2011-04', '2011-05'], spend: 6951.52 });
    const raw = await call(ESSEX, 'GET', `/v1/spend/batches/${r.json.batchId}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(raw.text).toBe([csv.split('\r\n')[0], ...csv.split('\r\n').slice(1, 3), csv.split('\r\n')[6]].join('\r\n'));
  });

  it('validates JSON lines one by one: a bad line never fails the batch', async () => {
    const r = await jsonPost(ESSEX, [
      line({ period: '2011-06', childRef: 'J-1', amount: 10.5 }),
      line({ period: '2011-06', amount: 1.005 }),
      line({ period: '2011-06', childName: 'Jane Smith' }),
      'not an object',
      line({ period: '2099-01' }),
      line({ period: '2011-06', companiesHouseNumber: '1234567', providerUrn: 'SC123456', amount: -3 }),
    ]);
    expect(r.status).toBe(201);
    expect(r.json.accepted).toBe(2);
    expect(r.json.rejected.map((x: any) => x.line)).toEqual([2, 3, 4, 5]);
    expect(r.json.rejected[1].errors).toEqual([{ path: 'childName', message: 'unknown field' }]);
    expect(r.json.rejected[3].errors[0]).toMatchObject({ path: 'period' });
  });

  it('answers 201 for a batch whose every line is invalid: accepted 0, each line rejected, stored and deletable like any batch', async () => {
    const bad = [line({ period: 'May 2011', childRef: 'AI-1' }), line({ period: '2011-09', placementType: 'ZZ', childRef: 'AI-2' })];
    const r = await jsonPost(SUFFOLK, bad);
    expect(r.status).toBe(201);
    expect(r.json.accepted).toBe(0);
    expect(r.json.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.json.rejected.map((x: any) => [x.line, x.errors[0].path])).toEqual([[1, 'period'], [2, 'placementType']]);
    const id = r.json.batchId;

    const one = await call(SUFFOLK, 'GET', `/v1/spend/batches/${id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ batchId: id, authority: 'suffolk', format: 'json', lines: 2, accepted: 0, rejected: 2, months: [], spend: 0 });
    expect((await pageAll(SUFFOLK, '/v1/spend/batches')).map((b) => b.batchId)).toContain(id);
    expect(JSON.parse((await call(SUFFOLK, 'GET', `/v1/spend/batches/${id}/raw`)).text)).toEqual({ lines: [] });

    // the same post again is the same batch: 200 with the first answer
    const again = await jsonPost(SUFFOLK, bad);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(r.json);

    // a different all-invalid batch is another batch, with its own rejected list
    const other = await jsonPost(SUFFOLK, [line({ period: '2011-09', amount: 'lots', childRef: 'AI-3' })]);
    expect(other.status).toBe(201);
    expect(other.json.batchId).not.toBe(id);
    expect(other.json).toMatchObject({ accepted: 0, rejected: [{ line: 1, errors: [{ path: 'amount' }] }] });
    const csv = await csvPost(SUFFOLK, 'Period,Provider Name,Placement Type,Placement Provider,Child Ref,Amount\n2011-09,Acme,K2,PR4,AI-4,not money\n');
    expect(csv.status).toBe(201);
    expect(csv.json).toMatchObject({ accepted: 0, rejected: [{ line: 1, errors: [{ path: 'amount' }] }] });
    expect(new Set([id, other.json.batchId, csv.json.batchId]).size).toBe(3);

    expect((await call(SUFFOLK, 'DELETE', `/v1/spend/batches/${id}`)).status).toBe(204);
    expect((await call(SUFFOLK, 'GET', `/v1/spend/batches/${id}`)).status).toBe(404);
    expect((await pageAll(SUFFOLK, '/v1/spend/batches')).map((b) => b.batchId)).not.toContain(id);
  });

  it('an all-invalid batch contributes nothing to a rollup', async () => {
    const good = await jsonPost(SUFFOLK, five('2011-10', 'Counted Care', 'AC'));
    expect(good.status).toBe(201);
    const none = await jsonPost(SUFFOLK, [line({ period: '2011-10', providerName: 'Ghost Care', placementType: 'ZZ', childRef: 'AG-1', amount: 999 })]);
    expect(none.status).toBe(201);
    expect(none.json.accepted).toBe(0);
    expect((await call(PO, 'POST', '/v1/rollups', { body: { period: '2011-10' } })).status).toBe(201);
    const r = (await call(PO, 'GET', '/v1/rollups/2011-10')).json;
    expect(r.totals).toMatchObject({ spend: 5000, placements: 5, authorities: 1, providerGroups: 1 });
    expect(r.byProviderGroup.map((g: any) => g.group)).toEqual(['Counted Care']);
  });

  it('the OpenAPI document lists the statuses a post answers: 201 for a new batch, 200 for the same batch again', async () => {
    const lines = five('2011-11', 'Documented Care', 'OD');
    const first = await jsonPost(ESSEX, lines);
    const again = await jsonPost(ESSEX, lines);
    expect([first.status, again.status]).toEqual([201, 200]);
    const doc = (await call(null, 'GET', '/openapi.json')).json;
    const op = doc.paths['/v1/spend/batches'].post;
    const created = op.responses['201'].content['application/json'].schema;
    const shape = created.$ref ? doc.components.schemas[created.$ref.split('/').pop()] : created;
    expect(Object.keys(shape.properties).sort()).toEqual(['accepted', 'batchId', 'rejected']);
    expect(op.responses['200']?.content?.['application/json']?.schema).toEqual(created);
  });

  it('refuses a malformed body or an unusable CSV header (400) and other media types (415), storing nothing', async () => {
    const before = (await call(SUFFOLK, 'GET', '/v1/spend/batches', { query: { limit: 100 } })).json.items.length;
    expect((await call(SUFFOLK, 'POST', '/v1/spend/batches', { body: { lines: [], extra: 1 } })).status).toBe(400);
    expect((await call(SUFFOLK, 'POST', '/v1/spend/batches', { body: { lines: [] } })).status).toBe(400);
    expect((await call(SUFFOLK, 'POST', '/v1/spend/batches', { rawBody: '{"lines": [', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const badHeader = await csvPost(SUFFOLK, 'Period,Provider Name,Placement Type,Placement Provider,Amount,Child Name\n2011-01,A,K2,PR4,1,Jane\n');
    expect(badHeader.status).toBe(400);
    expect(badHeader.json.errors).toEqual([{ path: 'header.6', message: 'unknown column "Child Name"' }]);
    expect((await csvPost(SUFFOLK, 'Period,Provider Name,Placement Type,Placement Provider,Amount\n')).status).toBe(400);
    const xml = await call(SUFFOLK, 'POST', '/v1/spend/batches', { rawBody: '<lines/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect((await call(SUFFOLK, 'GET', '/v1/spend/batches', { query: { limit: 100 } })).json.items.length).toBe(before);
  });

  it("keeps each authority's batches its own: another authority's batch is 404 to read, fetch raw or delete", async () => {
    const r = await jsonPost(NORFOLK, five('2011-07', 'Acme Care Ltd', 'N'));
    expect(r.status).toBe(201);
    const id = r.json.batchId;
    for (const [method, path] of [['GET', `/v1/spend/batches/${id}`], ['GET', `/v1/spend/batches/${id}/raw`], ['DELETE', `/v1/spend/batches/${id}`]]) {
      const other = await call(ESSEX, method!, path!);
      expect(other.status).toBe(404);
      expect(isProblem(other)).toBe(true);
    }
    expect((await call(ESSEX, 'GET', '/v1/spend/batches', { query: { limit: 100 } })).json.items.map((b: any) => b.batchId)).not.toContain(id);
    expect((await call(NORFOLK, 'GET', `/v1/spend/batches/${id}`)).status).toBe(200);
    expect((await call(PO, 'GET', `/v1/spend/batches/${id}`)).status).toBe(403);
    expect((await call('provider:harbour-care', 'POST', '/v1/spend/batches', { body: { lines: five('2011-07', 'X', 'P') } })).status).toBe(403);
  });

  it('pages an authority list to its end, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await jsonPost('authority:luton', [line({ period: '2011-08', childRef: `L-${i}` })])).json.batchId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('authority:luton', 'GET', '/v1/spend/batches', { query: { limit: 2, cursor } });
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((b: any) => b.batchId));
      cursor = page.json.nextCursor;
    } while (cursor);
    // Other test files may post Luton batches concurrently: assert on ours, and that no page repeats.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
    expect((await call('authority:luton', 'GET', '/v1/spend/batches', { query: { cursor: 'bm9wZQ' } })).status).toBe(400);
  });
});

describe('rollups', () => {
  it('totals are the exact sum of accepted lines; the same batch posted twice counts once', async () => {
    const amounts = [0.1, 0.2, 0.3, 1234.56, -0.07, 99999.99, 0.01, 5963.5];
    const lines = amounts.map((amount, i) => line({ period: '2012-01', childRef: `T-${i}`, amount, providerName: `Provider ${i % 3}` }));
    const first = await jsonPost(ESSEX, lines);
    expect(first.status).toBe(201);
    // the same accepted lines, reordered and with a bad line added: the same batch
    const again = await jsonPost(ESSEX, [...lines].reverse().concat([line({ period: 'bad' })]));
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    const norfolk = await csvPost(NORFOLK, 'period,providerName,placementType,placementProvider,childRef,amount\n2012-02,Provider 1,K2,PR4,NF-1,"£1,000.10"\n2012-02,Provider 1,K2,PR4,NF-2,£0.20\n2011-12,Provider 1,K2,PR4,NF-3,£7.00\n');
    expect(norfolk.status).toBe(201);

    const posted = await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-Q1' } });
    expect(posted.status).toBe(201);
    expect(posted.json.period).toBe('2012-Q1');
    expect(posted.json.objects.map((o: any) => o.key)).toEqual([
      'rollups/2012-Q1/provider-groups.json', 'rollups/2012-Q1/provider-groups.csv', 'rollups/2012-Q1/manifest.json',
    ]);
    const r = await call(PO, 'GET', '/v1/rollups/2012-Q1');
    expect(r.status).toBe(200);
    const pence = amounts.reduce((s, a) => s + Math.round(a * 100), 0) + 100010 + 20;
    expect(r.json.totals.spend).toBe(pence / 100);
    const sumGroups = r.json.byProviderGroup.reduce((s: number, g: any) => s + Math.round(g.spend * 100), 0);
    expect(sumGroups).toBe(pence);
    expect(r.json.byAuthority.map((a: any) => [a.authority, a.spend])).toEqual([['essex', 107198.59], ['norfolk', 1000.3]]);
    // Two authorities: Norfolk's 2 placements are "c", and so is Essex's 8 — but each knows its
    // own line, so with the total published either could subtract: the total is hidden too.
    expect(r.json.totals).toMatchObject({ authorities: 2, placements: 'c', children: 'c', providerGroups: 3 });
    expect(r.json.byAuthority.map((a: any) => a.placements)).toEqual(['c', 'c']);
    expect((await call(ESSEX, 'GET', '/v1/rollups/2012-Q1')).json.byAuthority[0]).toEqual({ authority: 'essex', spend: 107198.59, placements: 8 });
    expect(r.json.months).toEqual(['2012-01', '2012-02', '2012-03']);
  });

  it('suppresses small counts as "c" (secondary too), never money; an authority sees its own line exact', async () => {
    await jsonPost(ESSEX, [...five('2012-04', 'Big Care Ltd', 'E1'), ...five('2012-04', 'Big Care Ltd', 'E2')]);
    await jsonPost(NORFOLK, [...five('2012-04', 'Big Care Ltd', 'N1'), line({ period: '2012-04', providerName: 'Tiny Homes', childRef: 'N-T', amount: 50 })]);
    await jsonPost(SUFFOLK, [line({ period: '2012-04', providerName: 'Big Care Ltd', childRef: 'S-1', amount: 75.25 }), line({ period: '2012-04', providerName: 'Tiny Homes', childRef: 'S-2', amount: 25 })]);
    expect((await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-04' } })).status).toBe(201);

    const po = (await call(PO, 'GET', '/v1/rollups/2012-04')).json;
    expect(po.totals).toMatchObject({ placements: 18, children: 18, authorities: 3, providerGroups: 2 });
    const byGroup = Object.fromEntries(po.byProviderGroup.map((g: any) => [g.group, g]));
    // Tiny Homes has 2 placements: "c"; the only other group would give it away by subtraction → "c" too
    expect(byGroup['Tiny Homes'].placements).toBe('c');
    expect(byGroup['Big Care Ltd'].placements).toBe('c');
    expect(byGroup['Tiny Homes'].spend).toBe(75);
    expect(byGroup['Tiny Homes'].authorities).toBe(2);
    const byAuth = Object.fromEntries(po.byAuthority.map((a: any) => [a.authority, a.placements]));
    // Suffolk (2) is primary; Norfolk (6) protects it; Essex (10) protects both from Suffolk and Norfolk themselves
    expect(byAuth).toEqual({ essex: 'c', norfolk: 'c', suffolk: 'c' });

    const suffolk = (await call(SUFFOLK, 'GET', '/v1/rollups/2012-04')).json;
    expect(Object.fromEntries(suffolk.byAuthority.map((a: any) => [a.authority, a.placements]))).toEqual({ essex: 'c', norfolk: 'c', suffolk: 2 });
    const essex = (await call(ESSEX, 'GET', '/v1/rollups/2012-04')).json;
    expect(essex.byAuthority.find((a: any) => a.authority === 'essex').placements).toBe(10);
    expect(essex.byAuthority.find((a: any) => a.authority === 'suffolk').placements).toBe('c');
  });

  it('writes JSON, an Excel-ready CSV and a manifest (last) with SHA-256s; a rerun is byte-identical', async () => {
    await jsonPost(ESSEX, five('2012-07', 'Rerun Care', 'R'));
    const a = await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-07' } });
    const bytesA = await Promise.all(a.json.objects.map((o: any) => s3Bytes(o.key)));
    const b = await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-07' } });
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
    const bytesB = await Promise.all(b.json.objects.map((o: any) => s3Bytes(o.key)));
    bytesA.forEach((buf, i) => expect(buf.equals(bytesB[i]!)).toBe(true));

    const { createHash } = await import('node:crypto');
    for (const [i, o] of a.json.objects.entries()) expect(createHash('sha256').update(bytesA[i]!).digest('hex')).toBe(o.sha256);
    const manifest = JSON.parse(bytesA[2]!.toString('utf8'));
    expect(manifest.objects.filter((o: any) => o.key).map((o: any) => [o.key, o.sha256])).toEqual(a.json.objects.slice(0, 2).map((o: any) => [o.key, o.sha256]));
    expect(manifest.generatedAt).toBe(a.json.generatedAt);

    const csv = bytesA[1]!;
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('period,group,spend_gbp,share,authorities,placements');
    expect(text.split('\r\n')[1]).toBe('2012-07,Rerun Care,5000.00,1,1,5');
    expect(text).not.toContain('£');
  });

  it('resolves provider groups: explicit, the home named by URN, company number, normalised and trading names', async () => {
    const urn = 'SC900001';
    const home: HomeItem = {
      urn, name: 'Estuary View', owner: 'provider:harbour-care', provider: { id: 'harbour-care', name: 'Harbour Care Ltd', group: 'Harbour Care Group' },
      placementType: 'K2', registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 8, max: 17 }, sexes: ['female', 'male'],
      supports: [], excludes: [], version: 1, updatedAt: '2012-01-01T00:00:00.000Z',
    };
    await putHomeRecords([home]);
    await jsonPost(ESSEX, [
      line({ period: '2012-10', providerName: 'Estuary View Home', providerUrn: urn, childRef: 'G-1' }),
      line({ period: '2012-10', providerName: 'Somebody', providerGroup: 'HARBOUR CARE GROUP', childRef: 'G-2' }),
      line({ period: '2012-10', providerName: 'Fenland Futures Ltd', childRef: 'G-3' }),
      line({ period: '2012-10', providerName: 'Unrelated Name', companiesHouseNumber: '9990001', childRef: 'G-4' }),
      line({ period: '2012-10', providerName: 'Willow Holdings Limited t/a Willow Bank Homes', childRef: 'G-5' }),
      line({ period: '2012-10', providerName: 'The Oak Tree Care Co. Ltd', childRef: 'G-6' }),
      line({ period: '2012-10', providerName: 'OAK TREE CARE LIMITED', childRef: 'G-7' }),
      line({ period: '2012-10', providerName: 'Birch Lodge Ltd', companiesHouseNumber: '12345678', childRef: 'G-8' }),
      line({ period: '2012-10', providerName: 'Birch Lodge Children’s Services', companiesHouseNumber: '12345678', childRef: 'G-9' }),
    ]);
    expect((await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-10' } })).status).toBe(201);
    const r = (await call(PO, 'GET', '/v1/rollups/2012-10')).json;
    const spendBy = Object.fromEntries(r.byProviderGroup.map((g: any) => [g.group, g.spend]));
    expect(spendBy).toEqual({
      'Harbour Care Group': 200,
      'Fenland Care Group': 200,
      'Meadowview Care Services': 100,
      'Birch Lodge Ltd': 200,
      'OAK TREE CARE LIMITED': 200,
    });
    expect(r.unresolvedNames).toEqual([
      { name: 'Birch Lodge Children’s Services', group: 'Birch Lodge Ltd' },
      { name: 'Birch Lodge Ltd', group: 'Birch Lodge Ltd' },
      { name: 'OAK TREE CARE LIMITED', group: 'OAK TREE CARE LIMITED' },
      { name: 'The Oak Tree Care Co. Ltd', group: 'OAK TREE CARE LIMITED' },
    ]);
  });

  it('lets the programme office merge a brand into a group (authorities may not)', async () => {
    await jsonPost(ESSEX, [line({ period: '2013-01', providerName: 'Kestrel House Ltd', childRef: 'K-1' }), line({ period: '2013-01', providerName: 'Kestrel Lodge', childRef: 'K-2' })]);
    expect((await call(ESSEX, 'PUT', '/v1/provider-groups/Kestrel%20Group', { body: { aliases: ['Kestrel House'] } })).status).toBe(403);
    const put = await call(PO, 'PUT', '/v1/provider-groups/Kestrel%20Group', { body: { aliases: ['Kestrel House', 'Kestrel Lodge'], companiesHouseNumbers: ['7654321'] } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ group: 'Kestrel Group', companiesHouseNumbers: ['07654321'], source: 'hub' });
    const clash = await call(PO, 'PUT', '/v1/provider-groups/Other%20Group', { body: { aliases: ['KESTREL LODGE LTD'] } });
    expect(clash.status).toBe(409);
    expect((await call(PO, 'POST', '/v1/rollups', { body: { period: '2013-01' } })).status).toBe(201);
    const r = (await call(PO, 'GET', '/v1/rollups/2013-01')).json;
    expect(r.byProviderGroup.map((g: any) => g.group)).toEqual(['Kestrel Group']);
    const list = await call(ESSEX, 'GET', '/v1/provider-groups', { query: { limit: 100 } });
    expect(list.json.items.find((g: any) => g.group === 'Kestrel Group')).toMatchObject({ source: 'hub' });
  });

  it('400s a group name or alias with no letter or digit, which would share one entry with every other (found by fuzz-schemas)', async () => {
    const nameless = await call(PO, 'PUT', `/v1/provider-groups/${encodeURIComponent('★')}`, { body: { aliases: ['Starling Homes'] } });
    expect(nameless.status, nameless.text).toBe(400);
    expect(nameless.json.errors).toEqual([{ path: 'group', message: 'must contain a letter or digit' }]);
    const alias = await call(PO, 'PUT', '/v1/provider-groups/Starling%20Group', { body: { aliases: ['Starling Homes', '—'] } });
    expect(alias.status, alias.text).toBe(400);
    expect(alias.json.errors).toEqual([{ path: 'aliases.1', message: 'must contain a letter or digit' }]);
    const groups = (await call(PO, 'GET', '/v1/provider-groups', { query: { limit: 100 } })).json.items.map((g: any) => g.group);
    expect(groups).not.toContain('★');
    expect(groups).not.toContain('Starling Group');
  });

  it('a deleted batch is no longer counted', async () => {
    const keep = await jsonPost(ESSEX, five('2013-02', 'Keep Care', 'KC'));
    const drop = await jsonPost(ESSEX, five('2013-02', 'Drop Care', 'DC', 7));
    expect(keep.status).toBe(201);
    await call(PO, 'POST', '/v1/rollups', { body: { period: '2013-02' } });
    expect((await call(PO, 'GET', '/v1/rollups/2013-02')).json.totals.spend).toBe(5035);
    expect((await call(ESSEX, 'DELETE', `/v1/spend/batches/${drop.json.batchId}`)).status).toBe(204);
    expect((await call(ESSEX, 'DELETE', `/v1/spend/batches/${drop.json.batchId}`)).status).toBe(404);
    const again = await call(PO, 'POST', '/v1/rollups', { body: { period: '2013-02' } });
    const r = (await call(PO, 'GET', '/v1/rollups/2013-02')).json;
    expect(r.totals.spend).toBe(5000);
    expect(r.generatedAt).toBe(again.json.generatedAt);
  });

  it('a crash before the manifest leaves the previous complete rollup in force', async () => {
    await jsonPost(ESSEX, five('2013-03', 'Steady Care', 'SC'));
    await call(PO, 'POST', '/v1/rollups', { body: { period: '2013-03' } });
    const before = await call(PO, 'GET', '/v1/rollups/2013-03');
    const manifestBefore = await readManifest('2013-03');
    await jsonPost(ESSEX, five('2013-03', 'New Care', 'NC', 1));
    await expect(runRollup('2013-03', { beforeManifest: async () => { throw new Error('power cut'); } })).rejects.toThrow('power cut');
    expect(await readManifest('2013-03')).toEqual(manifestBefore);
    const after = await call(PO, 'GET', '/v1/rollups/2013-03');
    expect(after.json).toEqual(before.json);
    // and the next complete run commits the new inputs
    await call(PO, 'POST', '/v1/rollups', { body: { period: '2013-03' } });
    expect((await call(PO, 'GET', '/v1/rollups/2013-03')).json.totals.spend).toBe(5005);
  });

  it('only the programme office runs rollups; 404 for a period never rolled up; 400 for a bad period', async () => {
    const denied = await call(ESSEX, 'POST', '/v1/rollups', { body: { period: '2012-01' } });
    expect(denied.status).toBe(403);
    expect(isProblem(denied)).toBe(true);
    expect((await call('provider:harbour-care', 'GET', '/v1/rollups/2012-Q1')).status).toBe(403);
    expect((await call(ESSEX, 'GET', '/v1/rollups/FY2001-02')).status).toBe(404);
    expect((await call(ESSEX, 'GET', '/v1/rollups/FY2001-03')).status).toBe(400);
    expect((await call(PO, 'POST', '/v1/rollups', { body: { period: '2012-13' } })).status).toBe(400);
  });

  it('rolls up a period with no spend as an empty rollup (201), dated at its first UK instant, byte-identical on a rerun', async () => {
    expect((await call(ESSEX, 'GET', '/v1/rollups/2003-Q2')).status).toBe(404);
    const a = await call(PO, 'POST', '/v1/rollups', { body: { period: '2003-Q2' } });
    expect(a.status).toBe(201);
    // 1 April 2003 began at midnight BST, 23:00 UTC the day before
    expect(a.json).toMatchObject({ period: '2003-Q2', generatedAt: '2003-03-31T23:00:00.000Z' });
    expect(a.json.objects.map((o: any) => o.key)).toEqual([
      'rollups/2003-Q2/provider-groups.json', 'rollups/2003-Q2/provider-groups.csv', 'rollups/2003-Q2/manifest.json',
    ]);
    const bytesA = await Promise.all(a.json.objects.map((o: any) => s3Bytes(o.key)));

    const r = await call(ESSEX, 'GET', '/v1/rollups/2003-Q2');
    expect(r.status).toBe(200);
    // counts below 5 are "c" for everyone, zero included; money and authorities are never hidden
    expect(r.json).toEqual({
      period: '2003-Q2',
      generatedAt: '2003-03-31T23:00:00.000Z',
      months: ['2003-04', '2003-05', '2003-06'],
      totals: { spend: 0, placements: 'c', children: 'c', authorities: 0, providerGroups: 0 },
      byProviderGroup: [],
      byPlacementType: [],
      byAuthority: [],
      unresolvedNames: [],
    });
    expect(bytesA[1]!.toString('utf8')).toBe('\uFEFFperiod,group,spend_gbp,share,authorities,placements\r\n');

    const b = await call(PO, 'POST', '/v1/rollups', { body: { period: '2003-Q2' } });
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
    const bytesB = await Promise.all(b.json.objects.map((o: any) => s3Bytes(o.key)));
    bytesA.forEach((buf, i) => expect(buf.equals(bytesB[i]!)).toBe(true));
  });

  it('a period that has not started is 422 and publishes nothing, from the API, `hub rollup` and the nightly job', async () => {
    const [y, m] = londonToday().split('-').map(Number) as [number, number];
    const nextMonth = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const nextQuarter = m >= 10 ? `${y + 1}-Q1` : `${y}-Q${Math.ceil(m / 3) + 1}`;
    const nextYear = m >= 4 ? `FY${y + 1}-${String((y + 2) % 100).padStart(2, '0')}` : `FY${y}-${String((y + 1) % 100).padStart(2, '0')}`;
    for (const period of [nextMonth, nextQuarter, nextYear]) {
      const r = await call(PO, 'POST', '/v1/rollups', { body: { period } });
      expect(r.status, `${period}: ${r.text}`).toBe(422);
      expect(isProblem(r)).toBe(true);
      expect(r.json.detail).toMatch(/not started/);
      expect((await call(PO, 'GET', `/v1/rollups/${period}`)).status).toBe(404);
      expect(await readManifest(period)).toBeUndefined();
    }
    await expect(runRollupCommand({ period: nextMonth, progress: false })).rejects.toThrow(/not started/);
    expect(await readManifest(nextMonth)).toBeUndefined();

    // The nightly job, woken with a clock far ahead (a replayed or mis-set event), over a month whose
    // spend changed (as a skewed clock could record it): it rolls up nothing that has not started.
    await dynamo().send(new PutCommand({ TableName: config.tableName, Item: { ...keys.spendMonthMeta('2097-05'), type: 'spendMonthMeta', changedAt: '2097-05-02T00:00:00.000Z' } }));
    const night = await nightlyRollup({ time: '2097-06-10T02:30:00Z' });
    expect(night.rolledUp).toEqual([]);
    for (const period of nightlyPeriods('2097-06-10')) expect(await readManifest(period)).toBeUndefined();
  });

  it('the nightly job rolls up last month and this month with their quarters and years, skipping periods with no spend', async () => {
    expect(nightlyPeriods('2026-01-05')).toEqual(['2025-12', '2025-Q4', 'FY2025-26', '2026-01', '2026-Q1']);
    await jsonPost(ESSEX, five('2014-06', 'Night Care', 'NJ'));
    const r = await nightlyRollup({ time: '2014-06-10T02:30:00Z' });
    expect(r.rolledUp).toEqual(['2014-Q2', 'FY2014-15', '2014-06']);
    expect(r.skipped).toEqual(['2014-05']);
    expect((await call(ESSEX, 'GET', '/v1/rollups/FY2014-15')).json.totals.spend).toBe(5000);
  });
});

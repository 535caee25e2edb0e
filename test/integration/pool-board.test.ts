import { describe, expect, it } from 'vitest';
import { HubError } from '../../functions/domain/errors.ts';
import type { PoolRequest } from '../../functions/domain/pool.ts';
import { sealCursor } from '../../functions/store/cursor.ts';
import { cancelRequest, createRequest, listRequests, pendingRequests } from '../../functions/store/pool/requests.ts';

/**
 * The allocation board's pages (store/pool/requests.ts pendingRequests) on DynamoDB Local: most
 * urgent first, then oldest first, a page at a time under a cursor that names the last request
 * shown, so a request allocated or cancelled between pages moves no other off the board; a cursor
 * the board did not give is a 400 naming `cursor`. (The console's pages: test/e2e/programme.test.ts.)
 */

const PO = { kind: 'programme-office' } as const;
const URGENCY = { today: 0, 'within-5-days': 1, planned: 2 } as const;

async function walk(limit: number, between?: (page: PoolRequest[], n: number) => Promise<void>): Promise<{ shown: PoolRequest[]; pages: number }> {
  const shown: PoolRequest[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await pendingRequests(PO, limit, cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items.length).toBe(limit); // a page is full unless it is the last
    shown.push(...page.items);
    await between?.(page.items, ++pages);
    cursor = page.nextCursor;
  } while (cursor && pages < 500);
  return { shown, pages };
}

describe('the allocation board, paged', () => {
  it('reaches every pending request once, most urgent and then oldest first, and a request cancelled between pages moves no other off it', async () => {
    // ours were asked long ago (so they lead their urgency), the planned ones first
    const tag = Date.now().toString(36);
    const ours: PoolRequest[] = [];
    const asked = Date.parse('2020-01-01T09:00:00Z');
    for (let i = 0; i < 12; i++) {
      const urgency = (['planned', 'within-5-days', 'today'] as const)[Math.floor(i / 4)]!;
      ours.push(await createRequest({ kind: 'authority', id: 'essex' }, { kind: 'emergency', urgency, neededFrom: '2026-06-01', child: { childRef: `BOARD-${tag}-${i}`, age: 14, sex: 'female', needs: [] } }, { now: new Date(asked + i * 60_000) }));
    }
    const cancelled = ours.find((r) => r.urgency === 'today' && r.child.childRef.endsWith('-10'))!;
    const { shown, pages } = await walk(3, async (page, n) => {
      // after the first page (our three oldest "today" requests, 8–10), cancel one it showed
      if (n === 1) {
        expect(page.map((r) => r.child.childRef)).toEqual([8, 9, 10].map((i) => `BOARD-${tag}-${i}`));
        await cancelRequest({ kind: 'authority', id: 'essex' }, cancelled.id);
      }
    });
    expect(pages).toBeGreaterThanOrEqual(4);
    const ids = shown.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(shown.every((r) => r.status === 'pending')).toBe(true);
    // every request still pending (as the API lists them) is on the board, ours in the board's order
    const all: PoolRequest[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await listRequests(PO, 100, cursor);
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    const stillPending = new Set(all.filter((r) => r.status === 'pending').map((r) => r.id));
    for (const r of ours) if (r.id !== cancelled.id) expect(ids, r.child.childRef).toContain(r.id);
    for (const id of ids) if (!stillPending.has(id)) expect([cancelled.id]).toContain(id); // shown before it was cancelled
    expect(shown.map((r) => URGENCY[r.urgency])).toEqual(shown.map((r) => URGENCY[r.urgency]).sort((a, b) => a - b));
    const order = shown.filter((r) => r.child.childRef.startsWith(`BOARD-${tag}-`)).map((r) => Number(r.child.childRef.split('-').at(-1)));
    expect(order).toEqual([8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it('refuses a cursor it did not give, naming cursor', async () => {
    const first = await pendingRequests(PO, 1, undefined);
    const real = first.nextCursor!;
    expect(real).toBeTypeOf('string');
    const other = (await listRequests(PO, 1)).nextCursor!; // another list's cursor
    const forged = [
      other,
      `${real.slice(0, -2)}AA`,
      sealCursor('pool-board:authority', { u: 0, k: {} }),
      'x.y',
      // the board's own seal round a payload the board never makes: no such urgency, no key, a key that is not an object
      sealCursor('pool-board:programme-office', { u: 7, k: {} }),
      sealCursor('pool-board:programme-office', { u: 0 }),
      sealCursor('pool-board:programme-office', { u: 0, k: ['pk'] }),
    ];
    for (const cursor of forged) {
      const e = await pendingRequests(PO, 1, cursor).then(() => undefined, (e: unknown) => e);
      expect(e, cursor).toBeInstanceOf(HubError);
      expect((e as HubError).code).toBe('invalid');
      expect((e as HubError).errors?.map((x) => x.path)).toEqual(['cursor']);
    }
  });
});

import type { Hono } from 'hono';
import { forbidden, HubError } from '../../domain/errors.ts';
import { poolAllocationsRoutes } from '../../routes/pool-allocations.ts';
import { poolRoutes } from '../../routes/pool.ts';
import { rollupsRoutes } from '../../routes/rollups.ts';
import { REASON_PLACE_CHANGE_CODES } from '../../../schemas/codes.ts';
import { createConsole, formOf, href, page, refusal, seeOther, whoOf, type ConsoleEnv, type Ctx, type Journeys } from '../app.tsx';
import { one, parse, type Fields } from '../input.ts';
import { londonToday } from '../../domain/calendar-days.ts';
import { Pager, SummaryCard, Table } from '../components.tsx';
import { Button, ErrorSummary, Form, Input, Select, Tag, type FormErrors } from '../forms.tsx';
import * as hub from '../hub-programme.ts';
import { ago, longDate, money, needLabel } from '../labels.ts';

/**
 * The programme office's journeys (CONTRACT "Console", issue 14): the allocation board (pending
 * pool requests, most urgent and then oldest first, each with its ranked candidate beds →
 * allocate), allocations (end; step down into a move-on bed), beds and their status, the ledger for
 * a chosen period with its occupancy chart (an SVG, the table beside it), and the provider directory
 * with accession status. Each form is parsed by the API route's own schema.
 */

type F = Fields;

function officeWho(c: Ctx): hub.OfficeWho {
  const who = whoOf(c);
  if (who.principal.kind !== 'programme-office') throw forbidden('These pages are for the programme office.');
  return who as hub.OfficeWho;
}
const enc = encodeURIComponent;
const daysBefore = (iso: string, n: number) => new Date(Date.parse(`${iso}T12:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const urgencyTag = (u: string) => <Tag colour={u === 'today' ? 'red' : u === 'within-5-days' ? 'orange' : 'grey'}>{u === 'today' ? 'Today' : u === 'within-5-days' ? 'Within 5 days' : 'Planned'}</Tag>;
const statusTag = (s: string) => <Tag colour={s === 'active' || s === 'available' ? 'green' : s === 'occupied' ? 'blue' : 'grey'}>{s.replace(/-/g, ' ')}</Tag>;
const REASONS = REASON_PLACE_CHANGE_CODES.map((r) => ({ value: r, text: r }));

type Board = Awaited<ReturnType<typeof hub.board>>;

const BoardPage = ({ c, board, cursor, errors, detail }: { c: Ctx; board: Board; cursor: string | undefined; errors?: FormErrors | undefined; detail?: string | undefined }) => {
  const s = c.get('session')!;
  return (
    <>
      <ErrorSummary errors={errors} detail={detail} fields={['bedId', 'startDate', 'requestId']} />
      <h1 class="govuk-heading-l">Allocation board</h1>
      <p class="govuk-body">Requests for a pooled bed waiting for one, most urgent first and then oldest first, each with the beds that could take the child, best first.</p>
      {board.items.length === 0 ? <p class="govuk-body">{cursor ? 'No more requests are waiting.' : 'No request is waiting.'}</p> : board.items.map(({ request: r, candidates }) => (
        <SummaryCard title={`${r.child.childRef} from ${r.authority}: ${r.kind} bed needed from ${longDate(r.neededFrom)}`}>
          <p class="govuk-body">{urgencyTag(r.urgency)} Asked <time datetime={r.createdAt}>{ago(r.createdAt)}</time>. {r.child.age} years, {r.child.sex}; {r.child.needs.map(needLabel).join(', ') || 'no needs recorded'}{r.homeOutcode ? `; home ${r.homeOutcode}` : ''}.</p>
          {candidates.length === 0 ? <p class="govuk-body">No pooled bed can take this child now.</p> : (
            <Table
              caption={`Candidate beds for ${r.child.childRef}, best first`} captionSize="s"
              head={['Bed', { text: 'Score', numeric: true }, { text: 'Distance', numeric: true }, 'Why', 'Allocate']}
              rows={candidates.map((b) => [
                <>{b.bedId}<br /><span class="govuk-body-s">home {b.homeUrn}, {b.kind}</span></>,
                b.score.toFixed(2),
                b.distanceMiles === null ? '–' : `${b.distanceMiles} miles`,
                <ul class="govuk-list govuk-body-s">{b.reasons.map((x) => <li>{x}</li>)}</ul>,
                <Form action={href(c, '/console/board/allocations')} session={s}>
                  <input type="hidden" name="requestId" value={r.id} />
                  <input type="hidden" name="bedId" value={b.bedId} />
                  <input type="hidden" name="startDate" value={r.neededFrom < londonToday() ? londonToday() : r.neededFrom} />
                  {cursor ? <input type="hidden" name="cursor" value={cursor} /> : null}
                  <Button>Allocate bed {b.bedId} to {r.child.childRef}</Button>
                </Form>,
              ])}
            />
          )}
        </SummaryCard>
      ))}
      <Pager base={href(c, '/console/board')} nextCursor={board.nextCursor} label="Pages of the allocation board" />
    </>
  );
};

/** Occupancy per bed as horizontal bars (an SVG with a title and description; the same figures are in the table beside it). */
const OccupancyChart = ({ lines }: { lines: { bedId: string; occupancy: number }[] }) => {
  const row = 22;
  const h = Math.max(1, lines.length) * row + 24;
  return (
    <svg role="img" aria-labelledby="occupancy-title occupancy-desc" viewBox={`0 0 420 ${h}`} width="100%" xmlns="http://www.w3.org/2000/svg">
      <title id="occupancy-title">Occupancy of each pooled bed</title>
      <desc id="occupancy-desc">One bar per bed: the share of its contracted nights that were occupied. The table gives the same figures.</desc>
      {lines.map((l, i) => (
        <g>
          <text x="0" y={i * row + 15} font-size="12" fill="#0b0c0c">{l.bedId.slice(0, 14)}</text>
          <rect x="120" y={i * row + 4} width={Math.round(l.occupancy * 250)} height="14" fill="#1d70b8" />
          <text x={126 + Math.round(l.occupancy * 250)} y={i * row + 15} font-size="12" fill="#0b0c0c">{`${Math.round(l.occupancy * 100)}%`}</text>
        </g>
      ))}
      <line x1="120" x2="120" y1="0" y2={h - 20} stroke="#0b0c0c" />
      <text x="120" y={h - 4} font-size="11" fill="#0b0c0c">0%</text>
      <text x="350" y={h - 4} font-size="11" fill="#0b0c0c">100%</text>
    </svg>
  );
};

export const programmeJourneys: Journeys = {
  register(app: Hono<ConsoleEnv>) {
    app.get('/console/board', async (c) => {
      const cursor = c.req.query('cursor');
      return page(c, 'Allocation board', <BoardPage c={c} board={await hub.board(officeWho(c), cursor)} cursor={cursor} />);
    });

    app.post('/console/board/allocations', async (c) => {
      const who = officeWho(c);
      const f = await formOf(c);
      try {
        const body = parse(poolAllocationsRoutes['POST /v1/pool/allocations'].body, { requestId: one(f, 'requestId'), bedId: one(f, 'bedId'), startDate: one(f, 'startDate') });
        const a = await hub.allocate(who, body);
        return seeOther(c, `/console/allocations#${enc(a.id)}`);
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        // the page the allocation was asked from, again (a cursor that is not the board's: 400 as on GET)
        const cursor = one(f, 'cursor');
        return page(c, 'Allocation board', <BoardPage c={c} board={await hub.board(who, cursor)} cursor={cursor} errors={r.errors} detail={r.detail ?? 'The hub refused this allocation.'} />, { status: 400, hasErrors: true });
      }
    });

    app.get('/console/allocations', async (c) => {
      const who = officeWho(c);
      const { items, nextCursor } = await hub.allocations(who, 20, c.req.query('cursor'));
      const s = c.get('session')!;
      return page(c, 'Allocations', (
        <>
          <h1 class="govuk-heading-l">Allocations</h1>
          {items.length === 0 ? <p class="govuk-body">No allocations yet.</p> : (
            <Table
              caption="Allocations of pooled beds"
              head={['Allocation', 'Authority', 'Bed', 'Dates', 'Status', 'End or step down']}
              rows={items.map((a) => ({
                id: a.id,
                cells: [
                  a.id, a.authority, a.bedId,
                  `${longDate(a.startDate)}${a.endDate ? ` to ${longDate(a.endDate)}` : ''}`,
                  <>{statusTag(a.status)}{a.reason ? ` (${a.reason})` : ''}</>,
                  a.status === 'active' ? (
                    <Form action={href(c, `/console/allocations/${enc(a.id)}/end`)} session={s}>
                      <Input name="endDate" id={`${a.id}-endDate`} label={`End date for ${a.id}`} width={10} value={londonToday()} />
                      <Select name="reason" id={`${a.id}-reason`} label="Reason (SSDA903)" options={REASONS} value="CARPL" />
                      <Input name="stepDownTo" id={`${a.id}-stepDownTo`} label="Move-on bed to step down into (optional)" width={20} />
                      <Button secondary>End or step down {a.id}</Button>
                    </Form>
                  ) : '–',
                ],
              }))}
            />
          )}
          <Pager base={href(c, '/console/allocations')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.post('/console/allocations/:id/end', async (c) => {
      const who = officeWho(c);
      const f = await formOf(c);
      const body = parse(poolAllocationsRoutes['POST /v1/pool/allocations/{id}/end'].body, {
        endDate: one(f, 'endDate'), reason: one(f, 'reason'), ...(one(f, 'stepDownTo') ? { stepDownTo: one(f, 'stepDownTo') } : {}),
      });
      await hub.end(who, c.req.param('id'), body);
      return seeOther(c, '/console/allocations');
    });

    app.get('/console/beds', async (c) => {
      const { items, nextCursor } = await hub.beds(officeWho(c), 50, c.req.query('cursor'));
      return page(c, 'Beds', (
        <>
          <h1 class="govuk-heading-l">Pooled beds</h1>
          {items.length === 0 ? <p class="govuk-body">No pooled beds.</p> : (
            <Table
              caption="Beds and their status"
              head={['Bed', 'Home', 'Kind', 'Status', { text: 'A week', numeric: true }, 'Contract']}
              rows={items.map((b) => [
                b.id, b.homeUrn, b.kind,
                <>{statusTag(b.status)}{b.allocation ? <><br /><span class="govuk-body-s">allocated to {(b.allocation as { authority?: string }).authority}</span></> : b.availableFrom ? <><br /><span class="govuk-body-s">free from {longDate(b.availableFrom)}</span></> : null}</>,
                money(b.weeklyCost),
                `${b.contractRef}, ${longDate(b.from)}${b.to ? ` to ${longDate(b.to)}` : ''}`,
              ])}
            />
          )}
          <Pager base={href(c, '/console/beds')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.get('/console/ledger', async (c) => {
      const who = officeWho(c);
      const today = londonToday();
      const q = { from: c.req.query('from') ?? daysBefore(today, 30), to: c.req.query('to') ?? today };
      let ledger: Awaited<ReturnType<typeof hub.ledger>> | undefined;
      let problem: ReturnType<typeof refusal>;
      try {
        const { from, to } = parse(poolRoutes['GET /v1/pool/ledger'].query, q);
        ledger = await hub.ledger(who, from, to);
      } catch (e) {
        problem = refusal(e);
        if (!problem) throw e;
      }
      return page(c, 'Ledger', (
        <>
          <ErrorSummary errors={problem?.errors} detail={problem?.detail} fields={['from', 'to']} />
          <h1 class="govuk-heading-l">Pooled-bed ledger</h1>
          <form method="get" action={href(c, '/console/ledger')} novalidate>
            <div class="govuk-button-group">
              <Input name="from" label="From" hint="For example, 2026-11-01" width={10} value={q.from} errors={problem?.errors} />
              <Input name="to" label="To" hint="Not after today" width={10} value={q.to} errors={problem?.errors} />
            </div>
            <Button secondary>Show the ledger</Button>
          </form>
          {ledger ? (
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-one-half">
                <h2 class="govuk-heading-m">Occupancy</h2>
                {ledger.beds.length ? <OccupancyChart lines={ledger.beds} /> : <p class="govuk-body">No bed was funded in this period.</p>}
              </div>
              <div class="govuk-grid-column-one-half">
                <Table
                  caption={`Beds, ${longDate(ledger.from)} to ${longDate(ledger.to)}`}
                  head={['Bed', { text: 'Occupied nights', numeric: true }, { text: 'Void nights', numeric: true }, { text: 'Occupancy', numeric: true }, { text: 'Void cost', numeric: true }]}
                  rows={ledger.beds.map((b) => [b.bedId, b.occupiedNights, b.voidNights, `${(b.occupancy * 100).toFixed(1)}%`, money(b.voidCost)])}
                />
              </div>
            </div>
          ) : null}
        </>
      ), { hasErrors: !!problem });
    });

    app.get('/console/spend', async (c) => {
      const who = officeWho(c);
      const asked = c.req.query('period');
      let rollup: Awaited<ReturnType<typeof hub.rollup>> | undefined;
      let problem: ReturnType<typeof refusal>;
      let missing: string | undefined;
      if (asked !== undefined) {
        try {
          const { period } = parse(rollupsRoutes['GET /v1/rollups/{period}'].params, { period: asked });
          rollup = await hub.rollup(who, period);
        } catch (e) {
          if (e instanceof HubError && e.code === 'not-found') missing = `${asked} has not been rolled up yet.`;
          else {
            problem = refusal(e);
            if (!problem) throw e;
          }
        }
      }
      const cell = (v: number | string | null) => (v === null || v === 'c' ? 'c' : String(v));
      return page(c, 'Spend', (
        <>
          <ErrorSummary errors={problem?.errors} detail={problem?.detail} fields={['period']} />
          <h1 class="govuk-heading-l">Spend by period</h1>
          <form method="get" action={href(c, '/console/spend')} novalidate>
            <Input name="period" label="Period" hint="A month (2026-10), a quarter (2026-Q3) or a financial year (FY2026-27)" width={10} value={asked} errors={problem?.errors} />
            <Button secondary>Show spend</Button>
          </form>
          {missing ? <p class="govuk-body">{missing}</p> : null}
          {rollup ? (
            <>
              <p class="govuk-body">{money(rollup.totals.spend)} on {cell(rollup.totals.placements)} placements of {cell(rollup.totals.children)} children. Counts under the publication threshold are shown as "c".</p>
              <p class="govuk-body"><a class="govuk-link" href={href(c, `/console/spend/${enc(rollup.period)}.csv`)} download>Download the provider-group spend as CSV</a></p>
              <Table
                caption={`By provider group, ${rollup.period}`}
                head={['Group', { text: 'Spend', numeric: true }, { text: 'Share', numeric: true }, { text: 'Authorities', numeric: true }, { text: 'Placements', numeric: true }]}
                rows={rollup.byProviderGroup.map((g) => [g.group, money(g.spend), g.share === null ? 'c' : `${(g.share * 100).toFixed(1)}%`, g.authorities, cell(g.placements)])}
              />
              <Table
                caption="By authority"
                head={['Authority', { text: 'Spend', numeric: true }, { text: 'Placements', numeric: true }]}
                rows={rollup.byAuthority.map((a) => [a.authority, money(a.spend), cell(a.placements)])}
              />
            </>
          ) : null}
        </>
      ), { hasErrors: !!problem });
    });

    app.get('/console/spend/:file', async (c) => {
      const file = c.req.param('file');
      if (!file.endsWith('.csv')) return c.notFound();
      const { period } = parse(rollupsRoutes['GET /v1/rollups/{period}'].params, { period: file.slice(0, -4) });
      const csv = await hub.rollupCsv(officeWho(c), period);
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="provider-groups-${period}.csv"` });
    });

    app.get('/console/providers', async (c) => {
      const { items, nextCursor } = await hub.providers(officeWho(c), 50, c.req.query('cursor'));
      return page(c, 'Providers', (
        <>
          <h1 class="govuk-heading-l">Provider directory</h1>
          <Table
            caption="Providers and their accession to the regional agreement"
            head={['Provider', 'Group', { text: 'Homes', numeric: true }, 'Party to the regional agreement']}
            rows={items.map((p) => [
              <>{p.name}<br /><span class="govuk-body-s">{p.id}</span></>,
              p.group, p.homes,
              p.party ? <Tag colour="green">Yes</Tag> : <Tag colour="grey">Not yet</Tag>,
            ])}
          />
          <Pager base={href(c, '/console/providers')} nextCursor={nextCursor} />
        </>
      ));
    });
  },
};

/** The programme office's console Lambda's app (functions/handlers/console-programme.ts; the local hub's programme office paths). */
export const programmeApp = createConsole([programmeJourneys]);

import type { Hono } from 'hono';
import { forbidden } from '../../domain/errors.ts';
import { homesRoutes } from '../../routes/homes.ts';
import { offersRoutes } from '../../routes/offers.ts';
import { referralsRoutes } from '../../routes/referrals.ts';
import { DeclineReason } from '../../../schemas/referrals.ts';
import { createConsole, formOf, href, page, refusal, seeOther, whoOf, type ConsoleEnv, type Ctx, type Journeys } from '../app.tsx';
import { num, one, parse, type Fields } from '../input.ts';
import { londonToday } from '../../domain/calendar-days.ts';
import { Pager, SummaryCard, SummaryList, Table } from '../components.tsx';
import { Button, ErrorSummary, Form, Input, Select, Tag, type FormErrors } from '../forms.tsx';
import * as hub from '../hub-provider.ts';
import { reminderBanner } from '../banner.tsx';
import { readSinceLastVisit } from '../../app/visits.ts';
import { newSinceFirst } from '../../domain/new-since.ts';
import { ago, dateTime, longDate, money, needLabel, ofstedLabel, timeLeft } from '../labels.ts';
import type { Session } from '../session.ts';

/**
 * A provider's journeys (CONTRACT "Console", issue 14): referrals shared with it, newest first →
 * a referral's disclosed fields (an audited read) → an offer of a home (holding a bed of one of its
 * vacancies) or a decline with a coded reason; its offers and their outcomes; its homes and their
 * vacancies (post, "still available" in one click, withdraw, filled); placements in its homes.
 * Every form is parsed by the API route's own schema. A provider's pages show only what the API
 * shows a provider: never the child's reference, never another provider's offer.
 */

type F = Fields;

function providerWho(c: Ctx): hub.ProviderWho {
  const who = whoOf(c);
  if (who.principal.kind !== 'provider') throw forbidden('These pages are for providers.');
  return who as hub.ProviderWho;
}

const statusTag = (s: string) => <Tag colour={s === 'accepted' || s === 'placed' || s === 'open' ? (s === 'open' ? 'blue' : 'green') : s === 'declined' || s === 'withdrawn' ? 'red' : 'grey'}>{s.replace(/-/g, ' ')}</Tag>;
const reasonLabel = (r: string) => r.replace(/-/g, ' ').replace(/^./, (x) => x.toUpperCase());
const enc = encodeURIComponent;

type Shared = Awaited<ReturnType<typeof hub.sharedReferral>>;
/** The child's fields a shared view carries (`child`, as the API's sharedView projects them). */
const childOf = (view: unknown): SharedChild => (view as { child?: SharedChild }).child ?? {};
type SharedChild = { age?: number; sex?: string; needs?: string[]; homeOutcode?: string; urgency?: string; careAlongside?: string };

/** What a provider is shown of the child: the disclosed fields, never childRef (the API never discloses it to a provider). */
const childRows = (child: SharedChild): [string, string][] => [
  ['Age', child.age === undefined ? 'Not disclosed' : `${child.age} years`],
  ['Sex', child.sex ?? 'Not disclosed'],
  ['Needs', child.needs ? child.needs.map(needLabel).join(', ') || 'None recorded' : 'Not disclosed'],
  ['Home outcode', child.homeOutcode ?? 'Not disclosed'],
  ['Urgency', child.urgency ?? 'Not disclosed'],
];

const OFFER_FIELDS = ['homeUrn', 'vacancyId', 'startDate', 'weeklyCost.core', 'weeklyCost.additionalSupport', 'weeklyCost.education', 'weeklyCost.health', 'weeklyCost.other', 'holdUntil', 'note'];

async function offerChoices(who: hub.ProviderWho) {
  const { items } = await hub.myHomes(who, 50, undefined);
  const out: { value: string; text: string }[] = [];
  for (const h of items) {
    const vacancies = (await hub.vacanciesOf(who, h.urn)).filter((v) => v.status === 'open' && v.beds > 0);
    for (const v of vacancies) out.push({ value: `${h.urn}|${v.id}`, text: `${h.name}: hold 1 of ${v.beds} ${v.beds === 1 ? 'bed' : 'beds'} free from ${longDate(v.availableFrom)}` });
    out.push({ value: `${h.urn}|`, text: `${h.name}: no bed held` });
  }
  return out;
}

const ReferralPage = ({ c, session, r, choices, f = {}, errors, detail }: { c: Ctx; session: Session; r: Shared; choices: { value: string; text: string }[]; f?: F; errors?: FormErrors | undefined; detail?: string | undefined }) => {
  const id = enc(r.referral.id);
  const open = r.view.status === 'open';
  return (
    <>
      <ErrorSummary errors={errors} detail={detail} fields={OFFER_FIELDS} />
      <a href={href(c, '/console/shared')} class="govuk-back-link">Referrals shared with you</a>
      <span class="govuk-caption-l">Referral from {r.referral.authority}</span>
      <h1 class="govuk-heading-l">A child aged {childOf(r.view).age ?? 'not disclosed'}</h1>
      <p class="govuk-body">You are seeing the fields the sharing agreement lets {r.referral.authority} share with you for {r.view.purpose}. This view has been recorded in the audit trail.</p>
      <SummaryList rows={[['Status', statusTag(r.view.status)], ...childRows(childOf(r.view)), ['Fields disclosed', r.view.disclosed.join(', ')]]} />
      <h2 class="govuk-heading-m" id="your-offers">Your offers</h2>
      {r.offers.length === 0 ? <p class="govuk-body">You have not offered a home yet.</p> : (
        <Table
          caption="Your offers on this referral" captionSize="s"
          head={['Home', 'Start', { text: 'A week', numeric: true }, 'Bed held', 'Outcome']}
          rows={r.offers.map((o) => [
            o.homeName, longDate(o.startDate), money(o.weeklyCost.total), o.status === 'open' ? timeLeft(o.holdUntil) : '–',
            <>{statusTag(o.status)}{o.declineReason ? ` (${reasonLabel(o.declineReason)})` : ''}
              {o.status === 'open' ? (
                <Form action={href(c, `/console/my-offers/${enc(o.id)}/withdraw`)} session={session}><Button secondary>Withdraw the offer of {o.homeName}</Button></Form>
              ) : null}
            </>,
          ])}
        />
      )}
      {open ? (
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-two-thirds">
            <h2 class="govuk-heading-m">Offer a home</h2>
            {choices.length === 0 ? <p class="govuk-body">You have no homes in the hub. <a class="govuk-link" href={href(c, '/console/homes')}>Your homes</a>.</p> : (
              <Form action={href(c, `/console/shared/${id}/offers`)} session={session}>
                <Select name="homeUrn" label="Home and bed" hint="Holding a bed keeps it for this child until the hold ends" options={choices} value={one(f, 'homeUrn')} errors={errors} />
                <Input name="startDate" label="Start date" hint="For example, 2026-12-24" width={10} value={one(f, 'startDate') ?? londonToday()} errors={errors} />
                <Input name="weeklyCost.core" label="Core weekly cost (£)" width={5} inputmode="decimal" value={one(f, 'weeklyCost.core')} errors={errors} />
                <Input name="weeklyCost.additionalSupport" label="Additional support a week (£, optional)" width={5} inputmode="decimal" value={one(f, 'weeklyCost.additionalSupport')} errors={errors} />
                <Input name="weeklyCost.education" label="Education a week (£, optional)" width={5} inputmode="decimal" value={one(f, 'weeklyCost.education')} errors={errors} />
                <Input name="weeklyCost.health" label="Health a week (£, optional)" width={5} inputmode="decimal" value={one(f, 'weeklyCost.health')} errors={errors} />
                <Input name="weeklyCost.other" label="Other a week (£, optional)" width={5} inputmode="decimal" value={one(f, 'weeklyCost.other')} errors={errors} />
                <Select name="holdUntil" label="Hold the offer (and bed) for" options={[1, 2, 3, 5, 7].map((d) => ({ value: String(d), text: `${d} ${d === 1 ? 'day' : 'days'}` }))} value={one(f, 'holdUntil') ?? '2'} errors={errors} />
                <Button>Make the offer</Button>
              </Form>
            )}
            <h2 class="govuk-heading-m">Or decline</h2>
            <Form action={href(c, `/console/shared/${id}/decline`)} session={session}>
              <Select name="reason" label="Why you cannot offer a home" options={DeclineReason.options.map((v) => ({ value: v, text: reasonLabel(v) }))} value={one(f, 'reason')} errors={errors} />
              <Button secondary>Decline the referral</Button>
            </Form>
          </div>
        </div>
      ) : <p class="govuk-body">This referral is {r.view.status}: it takes no more offers.</p>}
    </>
  );
};

function offerBody(f: F) {
  const [homeUrn, vacancyId] = (one(f, 'homeUrn') ?? '|').split('|');
  const days = Number(one(f, 'holdUntil') ?? 'x');
  const cost = (k: string) => (one(f, `weeklyCost.${k}`) !== undefined ? { [k]: num(one(f, `weeklyCost.${k}`)) } : {});
  return parse(offersRoutes['POST /v1/referrals/{id}/offers'].body, {
    homeUrn,
    ...(vacancyId ? { vacancyId } : {}),
    startDate: one(f, 'startDate'),
    weeklyCost: { core: num(one(f, 'weeklyCost.core')), ...cost('additionalSupport'), ...cost('education'), ...cost('health'), ...cost('other') },
    holdUntil: Number.isFinite(days) ? new Date(Date.now() + days * 86_400_000 - 60_000).toISOString() : one(f, 'holdUntil'),
  });
}

const VACANCY_FIELDS = ['beds', 'availableFrom', 'weeklyPrice', 'note'];

export const providerJourneys: Journeys = {
  register(app: Hono<ConsoleEnv>) {
    app.get('/console/shared', async (c) => {
      const who = providerWho(c);
      const cursor = c.req.query('cursor');
      // the first page marks what was shared since this person's last visit (and records this one)
      const { result: { items, nextCursor }, lastViewedAt } = cursor
        ? { result: await hub.sharedReferrals(who, 20, cursor), lastViewedAt: undefined }
        : await readSinceLastVisit(who, 'referrals-shared', () => hub.sharedReferrals(who, 20, undefined));
      const rows = cursor ? items.map((item) => ({ item, isNew: false })) : newSinceFirst(items, (r) => r.createdAt, lastViewedAt);
      return page(c, 'Referrals shared with you', (
        <>
          {await reminderBanner(c)}
          <h1 class="govuk-heading-l">Referrals shared with you</h1>
          {items.length === 0 ? <p class="govuk-body">No referral is shared with you now.</p> : (
            <Table
              caption={cursor ? 'Newest first' : 'New since your last visit first, then newest first'} testid="shared-referrals"
              head={['Referral', 'From', 'Needs', 'Shared', 'Your offers']}
              rows={rows.map(({ item: r, isNew }) => {
                const child = childOf(r.view);
                return { isNew, cells: [
                  <><a class="govuk-link" href={href(c, `/console/shared/${enc(r.id)}`)}>{`${child.age ?? '?'} years, ${child.sex ?? 'not disclosed'}`}<span class="govuk-visually-hidden">, shared {ago(r.createdAt)}{isNew ? ', new since your last visit' : ''}</span></a><br />{isNew ? <><Tag colour="light-blue">New</Tag>{' '}</> : null}{statusTag(r.view.status)}</>,
                  (r.view as { authority?: string }).authority ?? '',
                  child.needs ? child.needs.map(needLabel).join(', ') || 'None recorded' : 'Not disclosed',
                  <time datetime={r.createdAt}>{ago(r.createdAt)}</time>,
                  r.offers.length === 0 ? 'None' : r.offers.map((o) => <>{o.homeName}: {statusTag(o.status)}<br /></>),
                ] };
              })}
            />
          )}
          <Pager base={href(c, '/console/shared')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.get('/console/shared/:id', async (c) => {
      const who = providerWho(c);
      const r = await hub.sharedReferral(who, c.req.param('id'));
      return page(c, 'A referral shared with you', <ReferralPage c={c} session={c.get('session')!} r={r} choices={await offerChoices(who)} />);
    });

    app.post('/console/shared/:id/offers', async (c) => {
      const who = providerWho(c);
      const f = await formOf(c);
      const id = c.req.param('id');
      try {
        await hub.makeOffer(who, id, offerBody(f));
        return seeOther(c, `/console/shared/${enc(id)}#your-offers`);
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        const shared = await hub.sharedReferral(who, id);
        return page(c, 'A referral shared with you', <ReferralPage c={c} session={c.get('session')!} r={shared} choices={await offerChoices(who)} f={f} errors={r.errors} detail={r.detail} />, { status: 400, hasErrors: true });
      }
    });

    app.post('/console/shared/:id/decline', async (c) => {
      const who = providerWho(c);
      const f = await formOf(c);
      const body = parse(referralsRoutes['POST /v1/referrals/{id}/responses'].body, { response: 'declined', reason: one(f, 'reason') });
      await hub.respond(who, c.req.param('id'), body);
      return seeOther(c, '/console/shared');
    });

    app.post('/console/my-offers/:id/withdraw', async (c) => {
      const who = providerWho(c);
      const offer = await hub.withdrawOffer(who, c.req.param('id'));
      return seeOther(c, `/console/shared/${enc(offer.referralId)}#your-offers`);
    });

    app.get('/console/my-offers', async (c) => {
      const who = providerWho(c);
      const { items, nextCursor } = await hub.sharedReferrals(who, 50, c.req.query('cursor'));
      const rows = items.flatMap((r) => r.offers.map((o) => ({ r, o })));
      return page(c, 'Your offers', (
        <>
          {await reminderBanner(c)}
          <h1 class="govuk-heading-l">Your offers</h1>
          {rows.length === 0 ? <p class="govuk-body">You have no offers on the referrals shared with you now.</p> : (
            <Table
              caption="Your offers and their outcomes"
              head={['Home', 'Referral', 'Start', { text: 'A week', numeric: true }, 'Outcome']}
              rows={rows.map(({ r, o }) => [
                o.homeName,
                <a class="govuk-link" href={href(c, `/console/shared/${enc(r.id)}`)}>{`Shared ${dateTime(r.createdAt)}`}</a>,
                longDate(o.startDate), money(o.weeklyCost.total),
                <>{statusTag(o.status)}{o.declineReason ? ` (${reasonLabel(o.declineReason)})` : ''}</>,
              ])}
            />
          )}
          <Pager base={href(c, '/console/my-offers')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.get('/console/homes', async (c) => {
      const who = providerWho(c);
      const { items, nextCursor } = await hub.myHomes(who, 20, c.req.query('cursor'));
      const s = c.get('session')!;
      const withVacancies = await Promise.all(items.map(async (h) => ({ h, vacancies: await hub.vacanciesOf(who, h.urn) })));
      return page(c, 'Your homes', (
        <>
          {await reminderBanner(c)}
          <h1 class="govuk-heading-l">Your homes</h1>
          {withVacancies.length === 0 ? <p class="govuk-body">You have no homes in the hub yet.</p> : withVacancies.map(({ h, vacancies }) => (
            <SummaryCard id={`home-${h.urn}`} title={`${h.name} (${h.urn})`} actions={[<a class="govuk-link" href={href(c, `/console/homes/${enc(h.urn)}`)}>Edit<span class="govuk-visually-hidden"> {h.name}</span></a>]}>
              <SummaryList rows={[['Type and places', `${h.placementType}, ${h.registeredPlaces} registered places`], ['Ofsted', ofstedLabel(h.ofstedRating)], ['Outcode', h.outcode]]} />
              {vacancies.length === 0 ? <p class="govuk-body">No vacancies.</p> : (
                <Table
                  caption={`Vacancies at ${h.name}`} captionSize="s"
                  head={['Beds free', 'From', 'Status', 'Confirmed', 'Actions']}
                  rows={vacancies.map((v) => {
                    const which = <span class="govuk-visually-hidden"> ({h.name}, from {longDate(v.availableFrom)})</span>;
                    return [
                      `${v.beds}${v.heldBeds ? ` (${v.heldBeds} held)` : ''}`, longDate(v.availableFrom), statusTag(v.status),
                      <time datetime={v.confirmedAt}>{ago(v.confirmedAt)}</time>,
                      v.status === 'open' ? (
                        <div class="govuk-button-group">
                          <Form action={href(c, `/console/vacancies/${enc(v.id)}/confirm`)} session={s}><Button>Still available{which}</Button></Form>
                          <Form action={href(c, `/console/vacancies/${enc(v.id)}`)} session={s}><input type="hidden" name="status" value="filled" /><Button secondary>Filled{which}</Button></Form>
                          <Form action={href(c, `/console/vacancies/${enc(v.id)}`)} session={s}><input type="hidden" name="status" value="withdrawn" /><Button warning>Withdraw{which}</Button></Form>
                        </div>
                      ) : '–',
                    ];
                  })}
                />
              )}
              <p class="govuk-body"><a class="govuk-link" href={href(c, `/console/homes/${enc(h.urn)}/vacancies/new`)}>Post a vacancy<span class="govuk-visually-hidden"> at {h.name}</span></a></p>
            </SummaryCard>
          ))}
          <Pager base={href(c, '/console/homes')} nextCursor={nextCursor} />
        </>
      ));
    });

    const vacancyForm = (c: Ctx, urn: string, f: F = {}, errors?: FormErrors, detail?: string) => (
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} detail={detail} fields={VACANCY_FIELDS} />
        <a href={href(c, '/console/homes')} class="govuk-back-link">Your homes</a>
        <h1 class="govuk-heading-l">Post a vacancy</h1>
        <Form action={href(c, `/console/homes/${enc(urn)}/vacancies`)} session={c.get('session')!}>
          <Input name="beds" label="Beds free" width={2} inputmode="numeric" value={one(f, 'beds') ?? '1'} errors={errors} />
          <Input name="availableFrom" label="Available from" hint="For example, 2026-12-24" width={10} value={one(f, 'availableFrom') ?? londonToday()} errors={errors} />
          <Input name="weeklyPrice" label="Weekly price (£, optional)" width={5} inputmode="decimal" value={one(f, 'weeklyPrice')} errors={errors} />
          <Button>Post the vacancy</Button>
        </Form>
      </div></div>
    );

    app.get('/console/homes/:urn/vacancies/new', async (c) => {
      const who = providerWho(c);
      const h = await hub.myHome(who, c.req.param('urn'));
      return page(c, 'Post a vacancy', vacancyForm(c, h.urn));
    });

    app.post('/console/homes/:urn/vacancies', async (c) => {
      const who = providerWho(c);
      const f = await formOf(c);
      const urn = c.req.param('urn');
      try {
        const body = parse(homesRoutes['POST /v1/homes/{urn}/vacancies'].body, {
          beds: num(one(f, 'beds')), availableFrom: one(f, 'availableFrom'), ...(one(f, 'weeklyPrice') ? { weeklyPrice: num(one(f, 'weeklyPrice')) } : {}),
        });
        await hub.postVacancy(who, urn, body);
        return seeOther(c, '/console/homes');
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        return page(c, 'Post a vacancy', vacancyForm(c, urn, f, r.errors, r.detail), { status: 400, hasErrors: true });
      }
    });

    app.post('/console/vacancies/:id/confirm', async (c) => {
      await hub.stillAvailable(providerWho(c), c.req.param('id'));
      return seeOther(c, '/console/homes');
    });

    app.post('/console/vacancies/:id', async (c) => {
      const who = providerWho(c);
      const f = await formOf(c);
      await hub.changeVacancy(who, c.req.param('id'), parse(homesRoutes['PATCH /v1/vacancies/{id}'].body, { status: one(f, 'status') }));
      return seeOther(c, '/console/homes');
    });

    const homeForm = (c: Ctx, h: Awaited<ReturnType<typeof hub.myHome>>, f: F, errors?: FormErrors, detail?: string) => (
      <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} detail={detail} fields={['name', 'outcode', 'registeredPlaces', 'weeklyPrice']} />
        <a href={href(c, '/console/homes')} class="govuk-back-link">Your homes</a>
        <span class="govuk-caption-l">{h.urn}</span>
        <h1 class="govuk-heading-l">Edit {h.name}</h1>
        <Form action={href(c, `/console/homes/${enc(h.urn)}`)} session={c.get('session')!}>
          <Input name="name" label="Name" width={20} value={one(f, 'name') ?? h.name} errors={errors} />
          <Input name="outcode" label="Outcode" width={5} value={one(f, 'outcode') ?? h.outcode} errors={errors} />
          <Input name="registeredPlaces" label="Registered places" width={2} inputmode="numeric" value={one(f, 'registeredPlaces') ?? h.registeredPlaces} errors={errors} />
          <Input name="weeklyPrice" label="Usual weekly price (£)" width={5} inputmode="decimal" value={one(f, 'weeklyPrice') ?? (h as { weeklyPrice?: number }).weeklyPrice} errors={errors} />
          <Button>Save the home</Button>
        </Form>
      </div></div>
    );

    app.get('/console/homes/:urn', async (c) => {
      const h = await hub.myHome(providerWho(c), c.req.param('urn'));
      return page(c, `Edit ${h.name}`, homeForm(c, h, {}));
    });

    app.post('/console/homes/:urn', async (c) => {
      const who = providerWho(c);
      const f = await formOf(c);
      const h = await hub.myHome(who, c.req.param('urn'));
      try {
        // the home as it is, with the fields this form edits changed: PUT replaces the whole home
        const { urn: _u, owner: _o, provider: _p, authority: _a, version: _v, updatedAt: _t, ...rest } = h as Record<string, unknown>;
        const body = parse(homesRoutes['PUT /v1/homes/{urn}'].body, {
          ...rest, name: one(f, 'name'), outcode: one(f, 'outcode'), registeredPlaces: num(one(f, 'registeredPlaces')), ...(one(f, 'weeklyPrice') ? { weeklyPrice: num(one(f, 'weeklyPrice')) } : {}),
        });
        await hub.saveHome(who, h.urn, body);
        return seeOther(c, '/console/homes');
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        return page(c, `Edit ${h.name}`, homeForm(c, h, f, r.errors, r.detail), { status: 400, hasErrors: true });
      }
    });

    app.get('/console/home-placements', async (c) => {
      const who = providerWho(c);
      const { items, nextCursor } = await hub.placementsInMyHomes(who, 20, c.req.query('cursor'));
      return page(c, 'Placements in your homes', (
        <>
          <h1 class="govuk-heading-l">Placements in your homes</h1>
          {items.length === 0 ? <p class="govuk-body">No placements in your homes yet.</p> : (
            <Table
              caption="Placements"
              head={['Home', 'Placing authority', 'Start', 'End', 'Status']}
              rows={items.map((p) => [p.homeUrn, p.authority, longDate(p.startDate), p.endDate ? longDate(p.endDate) : '–', statusTag(p.status)])}
            />
          )}
          <Pager base={href(c, '/console/home-placements')} nextCursor={nextCursor} />
        </>
      ));
    });
  },
};


/** The provider's console Lambda's app (functions/handlers/console-provider.ts; the local hub's provider paths). */
export const providerApp = createConsole([providerJourneys]);

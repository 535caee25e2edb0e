import type { Hono } from 'hono';
import { badRequest } from '../../domain/errors.ts';
import { offersRoutes } from '../../routes/offers.ts';
import { placementsRoutes } from '../../routes/placements.ts';
import { referralsRoutes } from '../../routes/referrals.ts';
import { APPROVAL_CHECKLIST, APPROVAL_ROLES, DECLINE_REASONS, URGENCIES } from '../../../schemas/codes.ts';
import { createConsole, formOf, href, page, refusal, seeOther, type ConsoleEnv, type Ctx, type Journeys } from '../app.tsx';
import { many, num, one, parse, type Fields } from '../input.ts';
import { Pager, sortBy, SummaryCard, SummaryList, Table } from '../components.tsx';
import { Button, Choices, ErrorSummary, Form, Input, Select, Tag, Textarea, type FormErrors } from '../forms.tsx';
import * as hub from '../hub.ts';
import { reminderBanner } from '../banner.tsx';
import { dateTime, longDate, money, needLabel, ofstedLabel, timeLeft } from '../labels.ts';
import type { Session } from '../session.ts';
import { authorityWho, needOptions, sexOptions } from './authority.ts';

/**
 * The placement officer's journeys (CONTRACT "Console", issue 14): find a home → shortlist →
 * a referral made needs-first → its offers side by side → accept or decline → the placement, its
 * reg 11 approval and reg 13(4) notices; consent; who has seen the referral; notices received
 * as a host. Every form is parsed by the API route's own schema, so it is refused exactly as the
 * API would refuse it, with the errors beside the fields. Find a home (the search and its map)
 * is its own Lambda, ./search.tsx, at the same URL.
 */

type Form = Fields;

// ---------------------------------------------------------------- referrals

const ARTICLE6 = [
  { value: '6(1)(e)', text: 'Public task – 6(1)(e)', hint: 'The usual basis for a council placing a child it looks after' },
  { value: '6(1)(c)', text: 'Legal obligation – 6(1)(c)' },
  { value: '6(1)(a)', text: 'Consent – 6(1)(a)', hint: 'Shared only while consent is given' },
];
const ARTICLE9 = [
  { value: '', text: 'None (the child has no needs recorded)' },
  { value: '9(2)(g)', text: 'Substantial public interest – 9(2)(g) (name a Schedule 1 condition)' },
  { value: '9(2)(h)', text: 'Health or social care – 9(2)(h)' },
  { value: '9(2)(b)', text: 'Social protection law – 9(2)(b)' },
  { value: '9(2)(a)', text: 'Explicit consent – 9(2)(a)' },
];
const SCHEDULE1 = [
  { value: '', text: 'None' },
  { value: 'part2-para18', text: 'Safeguarding of children and individuals at risk – Part 2 paragraph 18' },
  { value: 'part2-para6', text: 'Statutory and government purposes – Part 2 paragraph 6' },
  { value: 'part1-para2', text: 'Health or social care purposes – Part 1 paragraph 2' },
];
const CONSENT = [
  { value: 'not-sought', text: 'Not sought', hint: 'Sharing rests on another basis' },
  { value: 'given', text: 'Given' },
  { value: 'refused', text: 'Refused', hint: 'Nothing will be shared with providers' },
];

const REFERRAL_FIELDS = ['child.needs', 'child.childRef', 'child.age', 'child.sex', 'child.homeOutcode', 'child.urgency', 'child.careAlongside', 'lawfulBasis.article6', 'lawfulBasis.article9', 'lawfulBasis.schedule1Condition', 'lawfulBasis.consent.status', 'lawfulBasis.consent', 'lawfulBasis', 'agreement', 'agreementId', 'purpose', 'shareWith', 'child'];

const ReferralForm = ({ c, session, f, errors, detail }: { c: Ctx; session: Session; f: Form; errors?: FormErrors | undefined; detail?: string | undefined }) => {
  const agreements = hub.agreementsFor(session.principal);
  const purposes = agreements.flatMap((a) => a.purposes.filter((p) => p.id !== 'host-authority-notification').map((p) => ({ value: `${a.id}|${p.id}`, text: `${a.title} (version ${a.version}): ${p.id}` })));
  const shortlist = many(f, 'shareWith');
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} detail={detail} fields={REFERRAL_FIELDS} />
        <h1 class="govuk-heading-l">Make a referral</h1>
        <Form action={href(c, '/console/referrals')} session={session}>
          {shortlist.map((p) => <input type="hidden" name="shareWith" value={p} />)}
          <h2 class="govuk-heading-m">The child's needs</h2>
          <Choices kind="checkboxes" name="child.needs" legend="What does the child need a home to manage?" hint="Needs are special category data: you will name an article 9 condition for sharing them" options={needOptions} checked={many(f, 'child.needs')} errors={errors} small />
          <Choices kind="radios" name="child.careAlongside" legend="Should the child be cared for" options={[{ value: '', text: 'Either' }, { value: 'solo', text: 'On their own' }, { value: 'group', text: 'With other children' }]} checked={one(f, 'child.careAlongside') ?? ''} errors={errors} small />
          <h2 class="govuk-heading-m">About the child</h2>
          <Input name="child.childRef" label="Your reference for the child" hint="Your council's own pseudonymous reference. Never a name or date of birth" width={20} value={one(f, 'child.childRef')} errors={errors} />
          <Input name="child.age" label="Age" hint="In years" width={2} inputmode="numeric" value={one(f, 'child.age')} errors={errors} />
          <Choices kind="radios" name="child.sex" legend="Sex" options={sexOptions} checked={one(f, 'child.sex')} errors={errors} inline small />
          <Input name="child.homeOutcode" label="Home outcode" hint="The first part of the child's home postcode, for example CM1" width={5} value={one(f, 'child.homeOutcode')} errors={errors} />
          <Choices kind="radios" name="child.urgency" legend="How soon is a home needed" options={URGENCIES.map((u) => ({ value: u, text: u === 'today' ? 'Today' : u === 'within-5-days' ? 'Within 5 days' : 'Planned' }))} checked={one(f, 'child.urgency') ?? 'planned'} errors={errors} small />
          <h2 class="govuk-heading-m">Lawful basis for sharing</h2>
          <Choices kind="radios" name="lawfulBasis.article6" legend="UK GDPR article 6 basis" options={ARTICLE6} checked={one(f, 'lawfulBasis.article6') ?? '6(1)(e)'} errors={errors} small />
          <Select name="lawfulBasis.article9" label="UK GDPR article 9 condition (for the child's needs)" options={ARTICLE9} value={one(f, 'lawfulBasis.article9') ?? (many(f, 'child.needs').length ? '9(2)(g)' : '')} errors={errors} />
          <Select name="lawfulBasis.schedule1Condition" label="DPA 2018 Schedule 1 condition" hint="Required with 9(2)(g)" options={SCHEDULE1} value={one(f, 'lawfulBasis.schedule1Condition') ?? 'part2-para18'} errors={errors} />
          <Choices kind="radios" name="lawfulBasis.consent.status" legend="Consent" options={CONSENT} checked={one(f, 'lawfulBasis.consent.status') ?? 'not-sought'} errors={errors} small />
          <h2 class="govuk-heading-m">Agreement and purpose</h2>
          <Select name="agreement" label="Sharing agreement and purpose" hint="The agreements in force that your council is a party to" options={purposes} value={one(f, 'agreement') ?? purposes.find((p) => p.value.endsWith('|placement-matching'))?.value} errors={errors} />
          <h2 class="govuk-heading-m">Share with</h2>
          {shortlist.length ? (
            <ul class="govuk-list govuk-list--bullet" id="shareWith">{shortlist.map((p) => <li>{p}</li>)}</ul>
          ) : (
            <Textarea name="shareWithText" label="Provider ids" hint="One a line; or start from a search and shortlist homes" value={one(f, 'shareWithText')} errors={errors} />
          )}
          <Button>Send referral</Button>
        </Form>
      </div>
    </div>
  );
};

function referralBody(f: Form, session: Session) {
  const [agreementId, purpose] = (one(f, 'agreement') ?? '|').split('|');
  const consent = one(f, 'lawfulBasis.consent.status');
  const shareWith = many(f, 'shareWith').length ? many(f, 'shareWith') : (one(f, 'shareWithText') ?? '').split(/[\s,]+/).filter(Boolean);
  return parse(referralsRoutes['POST /v1/referrals'].body, {
    agreementId,
    purpose,
    child: {
      childRef: one(f, 'child.childRef'),
      age: num(one(f, 'child.age')),
      sex: one(f, 'child.sex'),
      needs: many(f, 'child.needs'),
      ...(one(f, 'child.homeOutcode') ? { homeOutcode: one(f, 'child.homeOutcode') } : {}),
      ...(one(f, 'child.urgency') ? { urgency: one(f, 'child.urgency') } : {}),
      ...(one(f, 'child.careAlongside') ? { careAlongside: one(f, 'child.careAlongside') } : {}),
    },
    lawfulBasis: {
      article6: one(f, 'lawfulBasis.article6'),
      ...(one(f, 'lawfulBasis.article9') ? { article9: one(f, 'lawfulBasis.article9') } : {}),
      ...(one(f, 'lawfulBasis.schedule1Condition') && one(f, 'lawfulBasis.article9') === '9(2)(g)' ? { schedule1Condition: one(f, 'lawfulBasis.schedule1Condition') } : {}),
      ...(consent ? { consent: { status: consent, recordedAt: new Date().toISOString(), by: session.email ?? session.sub } } : {}),
    },
    shareWith,
  });
}

const statusTag = (s: string) => <Tag colour={s === 'placed' || s === 'confirmed' || s === 'accepted' ? 'green' : s === 'open' ? 'blue' : s === 'awaiting-approval' ? 'orange' : 'grey'}>{s.replace(/-/g, ' ')}</Tag>;

// ---------------------------------------------------------------- registration

export const officerJourneys: Journeys = {
  register(app: Hono<ConsoleEnv>) {
    app.get('/console/referrals/new', (c) => {
      authorityWho(c);
      const q = Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])) as Form;
      return page(c, 'Make a referral', <ReferralForm c={c} session={c.get('session')!} f={q} />);
    });

    app.post('/console/referrals', async (c) => {
      const who = authorityWho(c);
      const f = await formOf(c);
      try {
        const id = await hub.createReferral(who, referralBody(f, c.get('session')!) as never);
        return seeOther(c, `/console/referrals/${encodeURIComponent(id)}`);
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        return page(c, 'Make a referral', <ReferralForm c={c} session={c.get('session')!} f={f} errors={r.errors} detail={r.detail} />, { status: 400, hasErrors: true });
      }
    });

    app.get('/console/referrals', async (c) => {
      const who = authorityWho(c);
      const { items, nextCursor } = await hub.ownReferrals(who, 20, c.req.query('cursor'));
      return page(c, 'My referrals', (
        <>
          <h1 class="govuk-heading-l">My referrals</h1>
          <p class="govuk-body"><a class="govuk-link" href={href(c, '/console/search')}>Find a home</a> to start a new referral.</p>
          {items.length === 0 ? <p class="govuk-body">Your council has no referrals yet.</p> : (
            <Table
              caption="Referrals, newest first" sortable
              head={[{ text: 'Child', sort: 'none' }, 'Needs', { text: 'Status', sort: 'none' }, { text: 'Made', sort: 'descending' }]}
              rows={items.map((r) => {
                const child = r.child as { childRef?: string; age?: number; sex?: string; needs?: string[] };
                return [
                  <><a class="govuk-link" href={href(c, `/console/referrals/${encodeURIComponent(r.id)}`)}>{child.childRef ?? r.id}</a><br /><span class="govuk-body-s">{child.age} years, {child.sex}</span></>,
                  (child.needs ?? []).map(needLabel).join(', ') || 'None recorded',
                  sortBy(statusTag(r.status ?? 'open'), r.status ?? 'open'),
                  sortBy(dateTime(r.createdAt), r.createdAt),
                ];
              })}
            />
          )}
          <Pager base={href(c, '/console/referrals')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.get('/console/referrals/:id', async (c) => {
      const who = authorityWho(c);
      const { referral, offers } = await hub.offersOn(who, c.req.param('id'));
      return page(c, `Referral ${referral.child.childRef as string}`, <ReferralPage c={c} session={c.get('session')!} referral={referral} offers={offers} />);
    });

    app.post('/console/referrals/:id/consent', async (c) => {
      const who = authorityWho(c);
      const f = await formOf(c);
      const status = one(f, 'status');
      if (status !== 'given' && status !== 'withdrawn') throw badRequest('Choose whether consent is given or withdrawn.');
      const s = c.get('session')!;
      await hub.recordConsent(who, c.req.param('id'), status, s.email ?? s.sub);
      return seeOther(c, `/console/referrals/${encodeURIComponent(c.req.param('id'))}`);
    });

    app.get('/console/referrals/:id/audit', async (c) => {
      const who = authorityWho(c);
      const id = c.req.param('id');
      const { items, nextCursor } = await hub.trail(who, id, 50, c.req.query('cursor'));
      return page(c, 'Who has seen this referral', (
        <>
          <a href={href(c, `/console/referrals/${encodeURIComponent(id)}`)} class="govuk-back-link">Back to the referral</a>
          <h1 class="govuk-heading-l">Who has seen this referral</h1>
          <p class="govuk-body">Every time anyone outside your council asked to see this referral, whether it was shown or refused.</p>
          {items.length === 0 ? <p class="govuk-body">Nobody outside your council has asked to see it yet.</p> : (
            <Table
              caption="Audit trail, oldest first"
              head={['When', 'Who', 'What', 'Outcome', 'Fields shown']}
              rows={items.map((e) => [
                dateTime(e.at),
                <>{e.principal}{(e as { person?: string }).person ? <><br /><span class="govuk-body-s">{(e as { person?: string }).person}</span></> : null}</>,
                e.action,
                e.outcome === 'allowed' ? <Tag colour="green">shown</Tag> : <Tag colour="red">refused</Tag>,
                <span class="govuk-body-s">{e.fields.join(', ') || '–'}</span>,
              ])}
            />
          )}
          <Pager base={href(c, `/console/referrals/${encodeURIComponent(id)}/audit`)} nextCursor={nextCursor} />
        </>
      ));
    });

    app.post('/console/offers/:id/accept', async (c) => {
      const who = authorityWho(c);
      const placement = await hub.accept(who, c.req.param('id'));
      return seeOther(c, `/console/placements/${encodeURIComponent(placement.id)}`);
    });

    app.post('/console/offers/:id/decline', async (c) => {
      const who = authorityWho(c);
      const f = await formOf(c);
      const { reason } = parse(offersRoutes['POST /v1/offers/{id}/decline'].body, { reason: one(f, 'reason') });
      const offer = await hub.decline(who, c.req.param('id'), reason);
      return seeOther(c, `/console/referrals/${encodeURIComponent(offer.referralId)}`);
    });

    app.get('/console/placements', async (c) => {
      const who = authorityWho(c);
      const { items, nextCursor } = await hub.placements(who, 20, c.req.query('cursor'));
      return page(c, 'Placements', (
        <>
          {await reminderBanner(c)}
          <h1 class="govuk-heading-l">Placements</h1>
          {items.length === 0 ? <p class="govuk-body">Your council has no placements in the hub yet.</p> : (
            <Table
              caption="Your council's placements" sortable
              head={[{ text: 'Child', sort: 'none' }, { text: 'Home', sort: 'none' }, { text: 'Start', sort: 'descending' }, { text: 'Status', sort: 'none' }]}
              rows={items.map((p) => [
                <a class="govuk-link" href={href(c, `/console/placements/${encodeURIComponent(p.id)}`)}>{p.childRef}</a>,
                p.homeName,
                sortBy(longDate(p.startDate), p.startDate),
                sortBy(statusTag(p.status), p.status),
              ])}
            />
          )}
          <Pager base={href(c, '/console/placements')} nextCursor={nextCursor} />
        </>
      ));
    });

    app.get('/console/placements/:id', async (c) => {
      const who = authorityWho(c);
      const p = await hub.placement(who, c.req.param('id'));
      return page(c, `Placement of ${p.childRef}`, <PlacementPage c={c} session={c.get('session')!} p={p} />);
    });

    app.post('/console/placements/:id/approval', async (c) => {
      const who = authorityWho(c);
      const f = await formOf(c);
      const s = c.get('session')!;
      const id = c.req.param('id');
      const checked = new Set(many(f, 'checklist'));
      try {
        const body = parse(placementsRoutes['POST /v1/placements/{id}/approval'].body, {
          role: one(f, 'role'),
          approvedBy: s.email ?? s.sub,
          approvedAt: new Date().toISOString(),
          checklist: Object.fromEntries(APPROVAL_CHECKLIST.map((k) => [k, checked.has(k)])),
        });
        await hub.approve(who, id, body);
        return seeOther(c, `/console/placements/${encodeURIComponent(id)}`);
      } catch (e) {
        const r = refusal(e);
        if (!r) throw e;
        const p = await hub.placement(who, id);
        return page(c, `Placement of ${p.childRef}`, <PlacementPage c={c} session={s} p={p} f={f} errors={r.errors} detail={r.detail} />, { status: 400, hasErrors: true });
      }
    });

    app.get('/console/notices', async (c) => {
      const who = authorityWho(c);
      const { items, nextCursor } = await hub.noticesReceived(who, 20, c.req.query('cursor'));
      return page(c, 'Notices received', (
        <>
          <h1 class="govuk-heading-l">Notices received</h1>
          <p class="govuk-body">Regulation 13(4) notices from other councils placing a child in a home in your area.</p>
          {items.length === 0 ? <p class="govuk-body">No notices yet.</p> : (
            <Table
              caption="Newest first"
              head={['From', 'Home', 'Start', 'Child', 'Received']}
              rows={items.map((n) => {
                const child = n.child as { age?: number; sex?: string; needs?: string[] };
                return [
                  n.from, `${n.homeName} (${n.homeUrn})`, longDate(n.startDate),
                  `${child.age} years, ${child.sex}; ${(child.needs ?? []).map(needLabel).join(', ') || 'no needs recorded'}`,
                  dateTime(n.sentAt),
                ];
              })}
            />
          )}
          <Pager base={href(c, '/console/notices')} nextCursor={nextCursor} />
        </>
      ));
    });
  },
};

// ---------------------------------------------------------------- the referral and its offers

type OfferRow = Awaited<ReturnType<typeof hub.offersOn>>['offers'][number];
type ReferralRow = Awaited<ReturnType<typeof hub.offersOn>>['referral'];

const ReferralPage = ({ c, session, referral, offers }: { c: Ctx; session: Session; referral: ReferralRow; offers: OfferRow[] }) => {
  const child = referral.child as { childRef?: string; age?: number; sex?: string; needs?: string[]; homeOutcode?: string; urgency?: string };
  const consent = referral.lawfulBasis.consent?.status ?? 'not-sought';
  const id = encodeURIComponent(referral.id);
  const open = referral.status !== 'placed';
  const cost = (o: OfferRow, k: keyof OfferRow['weeklyCost']) => money(o.weeklyCost[k]);
  const rows: [string, (o: OfferRow) => unknown][] = [
    ['Provider', (o) => o.provider.name],
    ['Ofsted rating', (o) => ofstedLabel(o.ofstedRating)],
    ['Distance from home', (o) => (o.distanceMiles === null ? 'Not known' : `${o.distanceMiles} miles${o.distanceMiles > 20 ? ' (over 20 miles)' : ''}`)],
    ['Start date', (o) => longDate(o.startDate)],
    ['Core', (o) => cost(o, 'core')],
    ['Additional support', (o) => cost(o, 'additionalSupport')],
    ['Education', (o) => cost(o, 'education')],
    ['Health', (o) => cost(o, 'health')],
    ['Other', (o) => cost(o, 'other')],
    ['Total a week', (o) => <strong>{cost(o, 'total')}</strong>],
    ['Bed held', (o) => (o.status === 'open' ? `${timeLeft(o.holdUntil)} (until ${dateTime(o.holdUntil)})` : '–')],
    ['Status', (o) => <>{statusTag(o.status)}{o.declineReason ? ` (${o.declineReason})` : ''}</>],
  ];
  return (
    <>
      <a href={href(c, '/console/referrals')} class="govuk-back-link">My referrals</a>
      <span class="govuk-caption-l">Referral</span>
      <h1 class="govuk-heading-l">{child.childRef}</h1>
      <SummaryList rows={[
        ['Status', statusTag(referral.status ?? 'open')],
        ['Needs', (child.needs ?? []).map(needLabel).join(', ') || 'None recorded'],
        ['Age and sex', `${child.age} years, ${child.sex}`],
        ['Home outcode', child.homeOutcode ?? 'Not given'],
        ['Urgency', child.urgency ?? 'Not given'],
        ['Agreement and purpose', `${referral.agreementId} (version ${referral.agreementVersion}): ${referral.purpose}`],
        ['Lawful basis', [referral.lawfulBasis.article6, referral.lawfulBasis.article9, referral.lawfulBasis.schedule1Condition].filter(Boolean).join(', ')],
        ['Shared with', referral.shareWith.join(', ')],
        ['Consent', consent],
      ]} />
      <p class="govuk-body"><a class="govuk-link" href={href(c, `/console/referrals/${id}/audit`)}>Who has seen this referral</a></p>
      <Form action={href(c, `/console/referrals/${id}/consent`)} session={session}>
        {consent === 'withdrawn' || consent === 'refused'
          ? <><input type="hidden" name="status" value="given" /><Button secondary>Record consent given</Button></>
          : <><input type="hidden" name="status" value="withdrawn" /><Button warning>Record consent withdrawn</Button></>}
      </Form>
      <h2 class="govuk-heading-m" id="offers">Offers</h2>
      {offers.length === 0 ? <p class="govuk-body">No offers yet. Providers you shared the referral with can offer a home.</p> : (
        <>
          <Table
            caption="Offers side by side" captionSize="s" scrollLabel="Offers side by side" firstCellIsHeader
            head={[{ text: <span class="govuk-visually-hidden">Offer detail</span> }, ...offers.map((o) => o.homeName)]}
            rows={rows.map(([label, cell]) => [label, ...offers.map((o) => cell(o) as string)])}
          />
          {open ? offers.filter((o) => o.status === 'open').map((o) => (
            <SummaryCard level={3} title={`${o.homeName}, from ${longDate(o.startDate)}, ${money(o.weeklyCost.total)} a week`}>
              {o.note ? <p class="govuk-body">{o.note}</p> : null}
              <Form action={href(c, `/console/offers/${encodeURIComponent(o.id)}/accept`)} session={session}>
                <Button>Accept the offer of {o.homeName}</Button>
              </Form>
              <Form action={href(c, `/console/offers/${encodeURIComponent(o.id)}/decline`)} session={session}>
                <Select name="reason" label={`Reason for declining ${o.homeName}`} options={DECLINE_REASONS.map((r) => ({ value: r, text: r.replace(/-/g, ' ') }))} />
                <Button secondary>Decline the offer of {o.homeName}</Button>
              </Form>
            </SummaryCard>
          )) : null}
        </>
      )}
    </>
  );
};

// ---------------------------------------------------------------- the placement

type PlacementRow = Awaited<ReturnType<typeof hub.placement>>;
const CHECKLIST_LABELS: Record<(typeof APPROVAL_CHECKLIST)[number], string> = {
  wishesAndFeelings: "The child's wishes and feelings have been ascertained and given due consideration – reg 11(2)(a)",
  mostAppropriate: 'The placement is the most appropriate placement available – reg 11(2)(b)',
  relativesConsulted: "The child's relatives have been consulted where appropriate – reg 11(2)(c)",
  areaAuthority: 'The area authority has been notified – reg 11(2)(d)',
  iroConsulted: "The child's independent reviewing officer has been informed – reg 11(2)(e)",
};

const PlacementPage = ({ c, session, p, f = {}, errors, detail }: { c: Ctx; session: Session; p: PlacementRow; f?: Form; errors?: FormErrors | undefined; detail?: string | undefined }) => {
  const roles = APPROVAL_ROLES.filter((r) => (p.approval.required === 'nominated-officer' ? true : r === 'director-of-childrens-services'));
  const held = roles.filter((r) => session.roles.includes(r));
  return (
    <>
      <ErrorSummary errors={errors} detail={detail} fields={['role', 'checklist']} />
      <a href={href(c, '/console/placements')} class="govuk-back-link">Placements</a>
      <span class="govuk-caption-l">Placement</span>
      <h1 class="govuk-heading-l">{p.childRef} at {p.homeName}</h1>
      <SummaryList rows={[
        ['Status', statusTag(p.status)],
        ['Home', `${p.homeName} (${p.homeUrn}), ${p.provider.name}`],
        ['Start date', longDate(p.startDate)],
        ['Weekly cost', money(p.weeklyCost)],
        ['Host authority', p.hostAuthority.name],
        ['Location', p.location.replace(/-/g, ' ')],
        ['Distance', p.distanceMiles === null ? 'Not known' : `${p.distanceMiles} miles${p.over20Miles ? ' (over 20 miles)' : ''}`],
        ['Approval needed', p.approval.required === 'none' ? 'None (in area)' : p.approval.required.replace(/-/g, ' ')],
        ['Approval', p.approval.status === 'approved' ? `Approved by ${p.approval.approvedBy} (${p.approval.role}) on ${dateTime(p.approval.approvedAt)}` : p.approval.status.replace(/-/g, ' ')],
      ]} />
      {p.approval.status === 'pending' ? (
        held.length === 0 ? (
          <div class="govuk-inset-text">This placement needs the approval of a {roles.join(' or ').replace(/-/g, ' ')} (Care Planning Regulations, reg 11). You do not hold that role, so you cannot approve it here.</div>
        ) : (
          <Form action={href(c, `/console/placements/${encodeURIComponent(p.id)}/approval`)} session={session}>
            <h2 class="govuk-heading-m">Approve this placement</h2>
            <Choices kind="radios" name="role" legend="Approving as" options={held.map((r) => ({ value: r, text: r.replace(/-/g, ' ') }))} checked={one(f, 'role') ?? held[0]} errors={errors} small />
            <Choices kind="checkboxes" name="checklist" legend="Before approving, confirm each of these (reg 11(2))" options={APPROVAL_CHECKLIST.map((k) => ({ value: k, text: CHECKLIST_LABELS[k] }))} checked={many(f, 'checklist')} errors={errors} />
            <Button>Approve placement</Button>
          </Form>
        )
      ) : null}
      <h2 class="govuk-heading-m">Notices (reg 13(4))</h2>
      {p.notices.length === 0 ? <p class="govuk-body">No notice is needed: the home is in your area.</p> : (
        <Table
          caption="Notices to the host authority" captionSize="s"
          head={['To', 'Due by', 'Sent']}
          rows={p.notices.map((n) => [n.to.name, longDate(n.dueBy), n.sentAt ? dateTime(n.sentAt) : <Tag colour="orange">not sent</Tag>])}
        />
      )}
    </>
  );
};

/** The officer's console Lambda's app (functions/handlers/console-officer.ts; the local hub's officer paths). */
export const officerApp = createConsole([officerJourneys]);

import type { Hono } from 'hono';
import { homesRoutes } from '../../routes/homes.ts';
import { CARE_ALONGSIDE, OFSTED_RATINGS, PLACE_CODES } from '../../../schemas/codes.ts';
import { createConsole, href, page, refusal, whoOf, type ConsoleEnv, type Ctx, type Journeys } from '../app.tsx';
import { many, num, one, parse, type Fields } from '../input.ts';
import { sortBy, Table } from '../components.tsx';
import { Button, Choices, ErrorSummary, Input, Select, Tag, type FormErrors } from '../forms.tsx';
import * as hub from '../hub-search.ts';
import { homePlaces, outcodePlace } from '../../app/home-places.ts';
import { RegionMap } from '../map.tsx';
import { ago, longDate, money, OFSTED_LABELS, ofstedLabel } from '../labels.ts';
import { authorityWho, needOptions, sexOptions } from './authority.ts';

/**
 * The placement officer's "Find a home" (CONTRACT "Console", issue 14): the child and filters →
 * the homes that can care for them, best match first, on a map of the region → shortlist → a
 * referral (./officer.tsx). Its own console Lambda (functions/routes/console.ts, issue 16 item 4),
 * so that the officer's other pages carry neither the search, the ranking and the vacancy store
 * nor the map. The form is parsed by the API route's own schema, so it is refused exactly as the
 * API would refuse it, with the errors beside the fields.
 */

type Form = Fields;

function searchBody(q: Form) {
  const outcode = one(q, 'near.outcode');
  const body: Record<string, unknown> = {
    child: { age: num(one(q, 'child.age')), sex: one(q, 'child.sex'), needs: many(q, 'child.needs'), ...(one(q, 'child.careAlongside') ? { careAlongside: one(q, 'child.careAlongside') } : {}) },
    ...(outcode ? { near: { outcode } } : {}),
    ...(one(q, 'maxMiles') ? { maxMiles: num(one(q, 'maxMiles')) } : {}),
    ...(many(q, 'placementTypes').length ? { placementTypes: many(q, 'placementTypes') } : {}),
    ...(one(q, 'availableBy') ? { availableBy: one(q, 'availableBy') } : {}),
    ...(one(q, 'maxWeeklyPrice') ? { maxWeeklyPrice: num(one(q, 'maxWeeklyPrice')) } : {}),
    ...(one(q, 'minOfstedRating') ? { minOfstedRating: one(q, 'minOfstedRating') } : {}),
    limit: 20,
    ...(one(q, 'cursor') ? { cursor: one(q, 'cursor') } : {}),
  };
  return parse(homesRoutes['POST /v1/vacancies/search'].body, body);
}

const SEARCH_FIELDS = ['child.age', 'child.sex', 'child.needs', 'child.careAlongside', 'near.outcode', 'maxMiles', 'placementTypes', 'availableBy', 'maxWeeklyPrice', 'minOfstedRating', 'cursor'];

const SearchForm = ({ c, q, errors }: { c: Ctx; q: Form; errors?: FormErrors | undefined }) => (
  <form method="get" action={href(c, '/console/search')} novalidate>
    <Input name="child.age" label="Child's age" hint="In years" type="text" inputmode="numeric" width={2} value={one(q, 'child.age')} errors={errors} />
    <Choices kind="radios" name="child.sex" legend="Child's sex" options={sexOptions} checked={one(q, 'child.sex')} errors={errors} inline small />
    <Choices kind="checkboxes" name="child.needs" legend="Child's needs" hint="Select all that apply" options={needOptions} checked={many(q, 'child.needs')} errors={errors} small />
    <Input name="near.outcode" label="Near (child's home outcode)" hint="For example, CM1" width={5} value={one(q, 'near.outcode')} errors={errors} />
    <Input name="maxMiles" label="Within (miles)" width={3} inputmode="numeric" value={one(q, 'maxMiles')} errors={errors} />
    <Choices kind="radios" name="child.careAlongside" legend="Cared for" options={[{ value: '', text: 'Either' }, ...CARE_ALONGSIDE.map((v) => ({ value: v, text: v === 'solo' ? 'On their own' : 'With other children' }))]} checked={one(q, 'child.careAlongside') ?? ''} errors={errors} small />
    <details class="govuk-details" open={['placementTypes', 'availableBy', 'maxWeeklyPrice', 'minOfstedRating'].some((k) => one(q, k) !== undefined)}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">More filters</span></summary>
      <div class="govuk-details__text">
        <Choices kind="checkboxes" name="placementTypes" legend="Placement types" hint="Leave empty for every type" options={PLACE_CODES.map((p) => ({ value: p, text: p }))} checked={many(q, 'placementTypes')} errors={errors} small />
        <Input name="availableBy" label="Available by" hint="For example, 2026-12-24" width={10} value={one(q, 'availableBy')} errors={errors} />
        <Input name="maxWeeklyPrice" label="Highest weekly price (£)" width={5} inputmode="decimal" value={one(q, 'maxWeeklyPrice')} errors={errors} />
        <Select name="minOfstedRating" label="Lowest Ofsted rating" options={[{ value: '', text: 'Any' }, ...OFSTED_RATINGS.filter((r) => r !== 'not-yet-inspected').map((r) => ({ value: r, text: OFSTED_LABELS[r] }))]} value={one(q, 'minOfstedRating')} errors={errors} />
      </div>
    </details>
    <Button>Search</Button>
  </form>
);

type SearchItem = Awaited<ReturnType<typeof hub.search>>['items'][number];

const Results = ({ c, q, items, nextCursor, places }: { c: Ctx; q: Form; items: SearchItem[]; nextCursor?: string | undefined; places: Awaited<ReturnType<typeof homePlaces>> }) => {
  const carry: [string, string][] = [
    ['child.age', one(q, 'child.age') ?? ''], ['child.sex', one(q, 'child.sex') ?? ''], ['child.homeOutcode', one(q, 'near.outcode') ?? ''],
    ...many(q, 'child.needs').map((n) => ['child.needs', n] as [string, string]),
  ];
  const next = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (k === 'cursor' ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string]))));
  if (nextCursor) next.set('cursor', nextCursor);
  return (
    <>
      <h2 class="govuk-heading-m" id="results">{items.length === 0 ? 'No homes match' : `${items.length} ${items.length === 1 ? 'home' : 'homes'}${nextCursor ? ' on this page' : ''}, best match first`}</h2>
      {items.length > 0 ? <RegionMap outcode={one(q, 'near.outcode')?.toUpperCase()} home={outcodePlace(one(q, 'near.outcode'))} results={places} /> : null}
      {items.length > 0 ? (
        <form method="get" action={href(c, '/console/referrals/new')}>
          {carry.filter(([, v]) => v !== '').map(([k, v]) => <input type="hidden" name={k} value={v} />)}
          <Table
            caption="Select the homes whose providers you want to refer to" captionSize="s" sortable
            head={[
              'Shortlist', { text: 'Home', sort: 'none' }, 'Ofsted', { text: 'Score', numeric: true, sort: 'descending' },
              { text: 'Distance', numeric: true, sort: 'none' }, { text: 'Weekly price', numeric: true, sort: 'none' }, 'Why', 'Vacancy confirmed',
            ]}
            rows={items.map((r, i) => [
              <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`pick-${i}`} name="shareWith" type="checkbox" value={r.provider.id} />
                  <label class="govuk-label govuk-checkboxes__label" for={`pick-${i}`}><span class="govuk-visually-hidden">Shortlist {r.homeName}</span></label>
                </div>
              </div>,
              sortBy(<>
                <strong><span data-result-n={String(i + 1)}>{i + 1}.</span> {r.homeName}</strong><br />
                <span class="govuk-body-s">{r.provider.name} · {r.placementType} · {r.beds} {r.beds === 1 ? 'bed' : 'beds'} from {longDate(r.availableFrom)}</span>
              </>, r.homeName),
              ofstedLabel(r.ofstedRating),
              sortBy(r.score.toFixed(2), r.score),
              sortBy(<>
                {r.distanceMiles === null ? '–' : `${r.distanceMiles} miles`}
                {r.over20Miles ? <><br /><Tag colour="orange">Over 20 miles</Tag></> : null}
                {r.outOfArea ? <><br /><Tag colour="yellow">Out of area</Tag></> : null}
              </>, r.distanceMiles ?? 9999),
              sortBy(money(r.weeklyPrice), r.weeklyPrice ?? 0),
              <ul class="govuk-list govuk-body-s">{r.reasons.map((x) => <li>{x}</li>)}</ul>,
              <time datetime={r.confirmedAt}>{ago(r.confirmedAt)}</time>,
            ])}
          />
          <Button>Refer to the shortlisted providers</Button>
        </form>
      ) : <p class="govuk-body">Try fewer filters, a larger distance or another placement type.</p>}
      {nextCursor ? (
        <nav class="govuk-pagination" aria-label="Results pages">
          <div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href={`${href(c, '/console/search')}?${next.toString()}`} rel="next"><span class="govuk-pagination__link-title">Next page<span class="govuk-visually-hidden"> of results</span></span></a></div>
        </nav>
      ) : null}
    </>
  );
};

export const searchJourneys: Journeys = {
  register(app: Hono<ConsoleEnv>) {
    app.get('/console/search', async (c) => {
      authorityWho(c);
      const q = Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])) as Form;
      const asked = Object.keys(q).length > 0;
      let results: Awaited<ReturnType<typeof hub.search>> | undefined;
      let problem: ReturnType<typeof refusal>;
      if (asked) {
        try {
          results = await hub.search(whoOf(c), searchBody(q));
        } catch (e) {
          problem = refusal(e);
          if (!problem) throw e;
        }
      }
      return page(c, asked && results ? 'Homes found' : 'Find a home', (
        <>
          <ErrorSummary errors={problem?.errors} detail={problem?.detail} fields={SEARCH_FIELDS} />
          <h1 class="govuk-heading-l">Find a home</h1>
          <div class="moj-filter-layout">
            <div class="moj-filter-layout__filter">
              <div class="moj-filter">
                <div class="moj-filter__header"><div class="moj-filter__header-title"><h2 class="govuk-heading-m">The child and filters</h2></div></div>
                <div class="moj-filter__content"><div class="moj-filter__options"><SearchForm c={c} q={q} errors={problem?.errors} /></div></div>
              </div>
            </div>
            <div class="moj-filter-layout__content">
              {results ? <Results c={c} q={q} items={results.items} nextCursor={results.nextCursor} places={await homePlaces(whoOf(c), results.items.map((r) => r.homeUrn))} /> : <p class="govuk-body">Describe the child to see the homes that can care for them, best match first.</p>}
            </div>
          </div>
        </>
      ), { hasErrors: !!problem });
    });
  },
};

export const searchApp = createConsole([searchJourneys]);

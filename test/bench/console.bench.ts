import { Jar, signInWithPassword } from '../../functions/cli/people.ts';
import { addDays, londonToday } from '../../functions/domain/calendar-days.ts';
import { addPerson, newPassword } from '../../functions/store/people.ts';
import { createBed } from '../../functions/store/pool.ts';
import { BOARD_PAGE } from '../../functions/app/pool.ts';
import { childrensHomeUrns, ENGLAND_REGISTER, loadChildren, loadHomesAndVacancies, prng } from './england.ts';
import { allOf, judge, percentile, round, type BenchContext, type BenchRow } from './harness.ts';

/**
 * The console's server render time (issue 14) at England scale, beside the API call(s) each page
 * wraps, in the same run, over real HTTP through the local gateway:
 * - the officer's search results page (GET /console/search, 20 a page) beside
 *   POST /v1/vacancies/search with the same query;
 * - one page of the programme office's allocation board (GET /console/board: 25 pending pool
 *   requests with their 3 best candidate beds each) beside the calls a client makes for a page of
 *   the same: GET /v1/pool/requests?limit=25, then GET /v1/pool/requests/{id}/candidates?limit=3
 *   for each pending one, at once; and the board's pages, followed to the end, show every pending
 *   request the API lists (each once).
 * Each page is requested with the signed-in person's session cookie (signed in through the
 * console's own OpenID sign-in, as a browser does); each API call with the same person's Bearer
 * token. Page and API calls alternate, so both see the same machine. A page may cost its render
 * on top of the calls: p50 and p99 each ≤ 1.5× the API's + 10 ms.
 */
const SEARCHES = 100;
const BOARDS = 30;
/** The board's size: pending requests (round robin over the 11 authorities) and pooled beds in England's homes. */
const BOARD_REQUESTS = 200;
const BOARD_BEDS = 60;
const SEED = 1914;

/** A session cookie for the console: its sign-in, the provider's form, the callback — the redirects a browser follows. */
async function consoleSession(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Jar();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(res);
    return res;
  };
  let url = `${baseUrl}/console/sign-in?returnTo=${encodeURIComponent('/console/')}`;
  let res = await go(url);
  for (let hops = 0; hops < 10; hops++) {
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      if (new URL(url).pathname === '/console/') return jar.header();
      res = await go(url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`console sign-in stopped at ${url}: HTTP ${res.status}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    res = await go(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }).toString() });
  }
  throw new Error('console sign-in did not come back to /console/');
}

async function person(baseUrl: string, principal: string, role: string): Promise<{ cookie: string; bearer: string }> {
  const email = `bench-${role}-${Date.now().toString(36)}@console-bench.example`;
  const password = newPassword();
  await addPerson({ email, principal, roles: [role], password });
  const { access_token } = await signInWithPassword({ issuer: `${baseUrl}/oidc`, email, password });
  return { cookie: await consoleSession(baseUrl, email, password), bearer: access_token };
}

/** A timed GET or POST: its ms and body, refused unless 200. */
async function timed(url: string, init: RequestInit): Promise<{ ms: number; text: string }> {
  const t = performance.now();
  const res = await fetch(url, { ...init, redirect: 'manual' });
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return { ms, text };
}

/** p50 and p99 of page and API, alternated `n` times after a warm-up; `check` holds each pair to the same content. */
async function alternate(n: number, page: () => Promise<{ ms: number; text: string }>, api: () => Promise<{ ms: number; text: string }>, check: (page: string, api: string) => void) {
  for (let i = 0; i < Math.max(3, n / 10); i++) check((await page()).text, (await api()).text);
  const onPage: number[] = [];
  const onApi: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = await page();
    const a = await api();
    if (i === 0) check(p.text, a.text);
    onPage.push(p.ms);
    onApi.push(a.ms);
  }
  onPage.sort((a, b) => a - b);
  onApi.sort((a, b) => a - b);
  const at = (xs: number[], q: number) => round(percentile(xs, q), 1);
  return { page: { p50: at(onPage, 50), p99: at(onPage, 99) }, api: { p50: at(onApi, 50), p99: at(onApi, 99) } };
}

const rows = (what: string, n: number, apiName: string, m: Awaited<ReturnType<typeof alternate>>): BenchRow[] =>
  (['p50', 'p99'] as const).map((q) => ({
    name: `console: ${what} ${q} (HTTP, ${n} alternated)`,
    value: m.page[q],
    unit: 'ms',
    baseline: { name: `${apiName} ${q}`, value: m.api[q] },
    ...judge(m.page[q], '≤', round(1.5 * m.api[q] + 10, 1), 'ms', `1.5× the API's ${q} + 10 ms`),
  }));

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const loaded = await loadHomesAndVacancies();
  if (!loaded) return [{ name: `console render skipped: ${ENGLAND_REGISTER} not present (HUB_SHARED_DATA names ../shared/data)`, value: 0, unit: '' }];
  const base = ctx.baseUrl;

  // ---- the officer's search results page beside POST /v1/vacancies/search
  const officer = await person(base, 'authority:essex', 'placement-officer');
  const query = { child: { age: 14, sex: 'female', needs: ['self-harm', 'going-missing'] }, placementTypes: ['K2'], near: { outcode: 'CM1' }, maxMiles: 40, limit: 20 };
  const form = new URLSearchParams([['child.age', '14'], ['child.sex', 'female'], ['child.needs', 'self-harm'], ['child.needs', 'going-missing'], ['placementTypes', 'K2'], ['near.outcode', 'CM1'], ['maxMiles', '40']]);
  let found = 0;
  const search = await alternate(
    SEARCHES,
    () => timed(`${base}/console/search?${form}`, { headers: { cookie: officer.cookie } }),
    () => timed(`${base}/v1/vacancies/search`, { method: 'POST', headers: { authorization: `Bearer ${officer.bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(query) }),
    (page, api) => {
      found = (JSON.parse(api) as { items: unknown[] }).items.length;
      if (found === 0 || !page.includes(`${found} homes`)) throw new Error(`the search page does not show the API's ${found} homes`);
    },
  );
  out.push(...rows(`search results page (near CM1 within 40 miles, ${loaded.vacancies} open vacancies in England, ${found} a page)`, SEARCHES, 'POST /v1/vacancies/search, same query', search));

  // ---- the allocation board beside the pool calls it wraps
  const today = londonToday();
  const urns = await childrensHomeUrns(ENGLAND_REGISTER);
  const rnd = prng(SEED);
  await Promise.all(Array.from({ length: BOARD_BEDS }, (_, i) =>
    createBed({ kind: 'programme-office' }, { homeUrn: urns[Math.floor(rnd() * urns.length)]!, kind: i % 3 === 0 ? 'move-on' : 'emergency', weeklyCostPence: 650_000, contractRef: 'BENCH-CONSOLE', from: addDays(today, -1) }, { id: `bed_console_bench_${SEED}_${i}` })
      .catch((e: Error) => { if (e.name !== 'ConditionalCheckFailedException') throw e; })));
  await loadChildren(SEED, { requests: BOARD_REQUESTS, referrals: 0 });
  const office = await person(base, 'programme-office', 'programme-officer');
  const auth = { authorization: `Bearer ${office.bearer}` };
  // one page of the board beside one page of the list and the candidates of its pending requests
  let shown = 0;
  const apiPage = async () => {
    const t = performance.now();
    const list = await timed(`${base}/v1/pool/requests?limit=${BOARD_PAGE}`, { headers: auth });
    const ids = (JSON.parse(list.text) as { items: { id: string; status: string }[] }).items.filter((r) => r.status === 'pending').map((r) => r.id);
    await Promise.all(ids.map((id) => timed(`${base}/v1/pool/requests/${encodeURIComponent(id)}/candidates?limit=3`, { headers: auth })));
    return { ms: performance.now() - t, text: JSON.stringify({ pending: ids.length }) };
  };
  const cardsOf = (html: string) => [...html.matchAll(/class="govuk-summary-card__title">([^<]*)</g)].map((m) => m[1]!);
  const board = await alternate(
    BOARDS,
    () => timed(`${base}/console/board`, { headers: { cookie: office.cookie } }),
    apiPage,
    (page, api) => {
      shown = cardsOf(page).length;
      const listed = (JSON.parse(api) as { pending: number }).pending;
      if (shown !== BOARD_PAGE || listed !== BOARD_PAGE) throw new Error(`a page of the board shows ${shown} requests, a page of the API ${listed} pending (${BOARD_PAGE} each expected)`);
    },
  );
  out.push(...rows(`allocation board, one page (${shown} of ${BOARD_REQUESTS}+ pending requests, each with its 3 best of ${BOARD_BEDS}+ pooled beds in England's homes)`, BOARDS, `GET /v1/pool/requests?limit=${BOARD_PAGE} + ${shown} × GET …/candidates?limit=3 at once`, board));

  // every pending request, by the API (paged to the end), and by the board's pages followed to the end
  let pending = 0;
  let cursor: string | undefined;
  do {
    const page = JSON.parse((await timed(`${base}/v1/pool/requests?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth })).text) as { items: { status: string }[]; nextCursor?: string };
    pending += page.items.filter((r) => r.status === 'pending').length;
    cursor = page.nextCursor;
  } while (cursor);
  const titles: string[] = [];
  let pages = 0;
  const walk = performance.now();
  for (let next: string | undefined = `${base}/console/board`; next; pages++) {
    const html: string = (await timed(next, { headers: { cookie: office.cookie } })).text;
    titles.push(...cardsOf(html));
    const href: string | undefined = /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"/.exec(html)?.[1];
    next = href ? new URL(href.replace(/&amp;/g, '&'), base).href : undefined;
  }
  const walkMs = performance.now() - walk;
  const distinct = new Set(titles).size;
  out.push({
    name: `console: the board's ${pages} pages, followed to the end, show every pending request once (cards, beside the API's pending requests; ${round(walkMs / 1000, 1)} s for them all)`,
    value: titles.length,
    unit: 'requests',
    baseline: { name: 'pending requests, GET /v1/pool/requests paged to the end', value: pending },
    ...allOf(judge(titles.length, '=', pending, 'requests', "the API's pending requests"), judge(distinct, '=', titles.length, 'requests', 'distinct cards'), judge(pending, '≥', BOARD_REQUESTS, 'requests')),
  });
  return out;
}

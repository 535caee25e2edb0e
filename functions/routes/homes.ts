import {
  Home, HomeInput, HomeList, SearchInput, SearchResults, UrnParams, Vacancy, VacancyInput, VacancyList, VacancyParams, VacancyPatch,
} from '../../schemas/homes.ts';
import { ListQuery } from '../../schemas/common.ts';
import type { HandlerDef, RouteDef } from './types.ts';

/** Homes, vacancies and federated search (issue 3): this part of the route table (composed in functions/routes/index.ts) and its Lambdas. */
export const homesHandlers = {
  homes: { grants: ['table:write'] },
  vacancies: { grants: ['table:write'] },
  'vacancy-search': { grants: ['table:read'], memoryMb: 1769 },
} as const satisfies Record<string, HandlerDef>;

export const homesRoutes = {
  'PUT /v1/homes/{urn}': {
    handler: 'homes',
    access: ['provider', 'authority'],
    summary: 'Create or update one of your homes (If-Match: <version> → 412 when stale; 201 when created; 422 when its open vacancies hold more beds than the new registeredPlaces)',
    params: UrnParams,
    body: HomeInput,
    response: Home,
    statuses: [201, 412, 422],
    doc: {
      example: {
        name: 'Harbour House', placementType: 'K2', outcode: 'CM1', registeredPlaces: 4, ofstedRating: 'good', ageRange: { min: 10, max: 17 },
        sexes: ['female', 'male'], supports: ['self-harm', 'going-missing'], excludes: ['fire-setting'], careAlongside: 'group', weeklyPrice: 5963.5,
      },
      headers: ['ETag'],
    },
  },
  'GET /v1/homes/{urn}': {
    handler: 'homes',
    access: ['authority', 'provider', 'programme-office'],
    summary: 'A home: the programme office reads all; authorities provider homes and in-house homes shared with the region; owners their own',
    params: UrnParams,
    response: Home,
    doc: { headers: ['ETag'] },
  },
  'GET /v1/homes': {
    handler: 'homes',
    access: ['provider', 'authority'],
    summary: 'Your own homes, by URN',
    query: ListQuery,
    response: HomeList,
  },
  'POST /v1/homes/{urn}/vacancies': {
    handler: 'vacancies',
    access: ['provider', 'authority'],
    summary: 'Post a vacancy in one of your homes; open for 7 days unless reconfirmed (422 when the home\'s open vacancies would hold more beds than its registered places)',
    params: UrnParams,
    body: VacancyInput,
    response: Vacancy,
    status: 201,
    idempotent: true,
    statuses: [422],
    doc: { example: { beds: 2, availableFrom: '2026-06-01', weeklyPrice: 5963.5, note: 'Ground-floor room free' }, headers: ['ETag', 'Location'] },
  },
  'GET /v1/homes/{urn}/vacancies': {
    handler: 'vacancies',
    access: ['provider', 'authority', 'programme-office'],
    summary: 'A home\'s vacancies, oldest first (its owner and the programme office)',
    params: UrnParams,
    query: ListQuery,
    response: VacancyList,
  },
  'GET /v1/vacancies/{id}': {
    handler: 'vacancies',
    access: ['provider', 'authority', 'programme-office'],
    summary: 'A vacancy (its owner, the programme office, and authorities that may see the home)',
    params: VacancyParams,
    response: Vacancy,
    doc: { headers: ['ETag'] },
  },
  'POST /v1/vacancies/{id}/confirm': {
    handler: 'vacancies',
    access: ['provider', 'authority'],
    summary: 'Reconfirm your vacancy for another 7 days (a lapsed one reopens; 422 when its home has no room for its beds)',
    params: VacancyParams,
    response: Vacancy,
    statuses: [409, 412, 422],
    doc: { headers: ['ETag'] },
  },
  'PATCH /v1/vacancies/{id}': {
    handler: 'vacancies',
    access: ['provider', 'authority'],
    summary: 'Withdraw or fill your vacancy, or change its beds',
    params: VacancyParams,
    body: VacancyPatch,
    response: Vacancy,
    statuses: [409, 412, 422],
    doc: { example: { beds: 1 }, headers: ['ETag'] },
  },
  'POST /v1/vacancies/search': {
    handler: 'vacancy-search',
    access: ['authority', 'programme-office'],
    summary: 'Federated ranked search of open vacancies for a child, with scores and reasons',
    body: SearchInput,
    response: SearchResults,
    doc: {
      example: {
        child: { age: 14, sex: 'female', needs: ['self-harm', 'going-missing'] }, near: { outcode: 'CM1' }, maxMiles: 40, minOfstedRating: 'good', limit: 20,
      },
    },
  },
} as const satisfies Record<string, RouteDef & { handler: keyof typeof homesHandlers }>;

import { rankCandidates, type Bed, type Candidate, type PoolRequest } from '../../domain/pool.ts';
import type { Principal } from '../../domain/principal.ts';
import { getHomes } from '../homes.ts';
import { allBeds } from './beds.ts';
import { readRequest } from './requests.ts';

/**
 * `GET /v1/pool/requests/{id}/candidates`: the request (404 if `who` may not see it) and every
 * free bed of its kind read at once, their homes in one batch, ranked by the domain.
 */
export async function candidatesFor(who: Principal, requestId: string, today: string): Promise<Candidate[]> {
  const [request, beds] = await Promise.all([readRequest(who, requestId), allBeds()]);
  return (await rankEach([request], beds, today))[0]!;
}

/**
 * The ranked candidate beds of each of `requests` (the allocation board's page): every bed and
 * the free beds' homes read once for all of them, not once a request.
 */
export async function candidatesForEach(requests: readonly PoolRequest[], today: string): Promise<Candidate[][]> {
  return requests.length === 0 ? [] : rankEach(requests, await allBeds(), today);
}

async function rankEach(requests: readonly PoolRequest[], beds: readonly Bed[], today: string): Promise<Candidate[][]> {
  const kinds = new Set(requests.map((r) => r.kind));
  const free = beds.filter((b) => kinds.has(b.kind) && b.status === 'available');
  const homes = await getHomes([...new Set(free.map((b) => b.homeUrn))]);
  return requests.map((r) => rankCandidates(r, free.filter((b) => b.kind === r.kind).map((bed) => ({ bed, home: homes.get(bed.homeUrn) })), today));
}

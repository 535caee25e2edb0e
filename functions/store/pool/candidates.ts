import { rankCandidates, type Candidate } from '../../domain/pool.ts';
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
  const open = beds.filter((b) => b.kind === request.kind && b.status === 'available');
  const homes = await getHomes([...new Set(open.map((b) => b.homeUrn))]);
  return rankCandidates(request, open.map((bed) => ({ bed, home: homes.get(bed.homeUrn) })), today);
}

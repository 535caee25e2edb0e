/**
 * The pooled-bed store (issue 4), one module per aggregate under ./pool/: beds (and the claim an
 * allocation takes first), requests, allocations (reading, allocating, ending and stepping down), their
 * audit trail, candidates and the ledger. The only code that reads and writes them; the rules
 * are functions/domain/pool.ts. Key shapes: keys.ts, "pooled beds".
 */
export { allBeds, createBed, getBed, listBeds, readBed, registerBed, setBedStatus } from './pool/beds.ts';
export { BED_CLAIM_MS } from './pool/take.ts';
export { cancelRequest, createRequest, getRequest, listRequests, readRequest } from './pool/requests.ts';
export { allocationsStartingBy, getAllocation, listAllocations, readAllocation } from './pool/allocations.ts';
export { allocate, type AllocateInput } from './pool/allocate.ts';
export { endAllocation, type EndInput } from './pool/end.ts';
export { bedAudit } from './pool/audit.ts';
export { candidatesFor } from './pool/candidates.ts';
export { loadLedger } from './pool/ledger.ts';
export { newId, type PoolReader } from './pool/records.ts';

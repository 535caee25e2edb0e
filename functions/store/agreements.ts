import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod/mini';
import { AGREEMENT_LIMITS, SharingAgreement } from '../../schemas/sharing-agreement.ts';

/**
 * Sharing agreements are versioned files in `sharing-agreements/` (copied beside the bundle in
 * Lambda), one per agreement version, named `<id>.v<version>.json`. They are read and validated
 * once; an invalid file stops the hub with a message that names the file and the field.
 */
export class InvalidAgreementError extends Error {
  override name = 'InvalidAgreementError';
}

export function agreementsDir(): string {
  return process.env.SHARING_AGREEMENTS_DIR ?? resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'sharing-agreements');
}

function describeIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const path = i.path.map(String).join('.') || '(root)';
    const unknown = i.code === 'unrecognized_keys' ? ` ${i.keys.join(', ')}` : '';
    return `field ${path}: ${i.message}${unknown}`;
  });
  return `sharing agreement ${file}: ${lines.join('; ')}`;
}

export function readAgreementsFrom(dir: string): SharingAgreement[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  // a bounded set: GET /v1/sharing-agreements holds every version in memory and pages it
  if (files.length > AGREEMENT_LIMITS.files) throw new InvalidAgreementError(`sharing-agreements: ${files.length} files; at most ${AGREEMENT_LIMITS.files} versions may be on file`);
  const seen = new Map<string, string>();
  return files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new InvalidAgreementError(`sharing agreement ${file}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = SharingAgreement.safeParse(json);
    if (!parsed.success) throw new InvalidAgreementError(describeIssues(file, parsed.error.issues));
    const a = parsed.data;
    const expected = `${a.id}.v${a.version}.json`;
    if (file !== expected) {
      throw new InvalidAgreementError(`sharing agreement ${file}: field id/version: the file of ${a.id} version ${a.version} must be named ${expected}`);
    }
    const key = `${a.id}@${a.version}`;
    if (seen.has(key)) throw new InvalidAgreementError(`sharing agreement ${file}: field version: ${a.version} of ${a.id} is also in ${seen.get(key)}`);
    seen.set(key, file);
    return a;
  });
}

let cache: SharingAgreement[] | undefined;

export function loadAgreements(): SharingAgreement[] {
  cache ??= readAgreementsFrom(agreementsDir());
  return cache;
}

/** Newest version first (versions compared numerically). */
function newestFirst(a: SharingAgreement, b: SharingAgreement): number {
  const [x, y] = [a.version.split('.').map(Number), b.version.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
}

/** The newest version of an agreement by id (versions compared numerically). */
export function findAgreement(id: string): SharingAgreement | undefined {
  return loadAgreements().filter((a) => a.id === id).sort(newestFirst)[0];
}

/**
 * The version of an agreement that governs sharing now: the newest version that has left draft
 * (a draft of the next version governs nothing until it is signed and made active). When only
 * drafts exist, the newest draft, so that the decision can say why nothing may be shared.
 */
export function agreementInForce(id: string): SharingAgreement | undefined {
  const versions = loadAgreements().filter((a) => a.id === id).sort(newestFirst);
  return versions.find((a) => a.status !== 'draft') ?? versions[0];
}

/** Every agreement's version in force (one per agreement id). */
export function agreementsInForce(): SharingAgreement[] {
  return [...new Set(loadAgreements().map((a) => a.id))].map((id) => agreementInForce(id)!);
}

/** Every version on file of an agreement, newest first (empty when none). */
export function agreementVersions(id: string): SharingAgreement[] {
  return loadAgreements().filter((a) => a.id === id).sort(newestFirst);
}

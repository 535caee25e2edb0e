import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../domain/errors.ts';
import type { Placement } from '../domain/placement-record.ts';
import type { AuthoritySlug } from '../domain/reference/authorities.ts';
import { config, dynamo } from './config.ts';
import { placementRecords } from './placement-record.ts';
import { newId } from './pool/records.ts';

/**
 * Placements once they exist (CONTRACT.md "Offers and placements"): creating one on its own (a
 * test fixture, a pool allocation's step), reading, listing, approving, recording a notice as
 * sent, ending, and the full reads the SSDA903 export and the overdue list need. Key shapes:
 * keys.ts, "placements". The rules are functions/domain/placement-record.ts.
 */

/** A new placement id, `plc_<slug>_<time><random>` (the programme office reads the owner from it), and a notice id. */
export const newPlacementId = (authority: AuthoritySlug, now = Date.now()): string => `plc_${authority}_${newId(now)}`;
export const newNoticeId = (now = Date.now()): string => `ntc_${newId(now)}`;

/**
 * Writes a new placement — its record and every notice it delivered to a host — in one
 * transaction, conditioned on none of them existing. 409 when the placement id is taken.
 * (An accepted offer writes `placementRecords` inside its own, larger transaction.)
 */
export async function createPlacement(p: Placement): Promise<Placement> {
  const items = placementRecords(p);
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: items.map((Item) => ({ Put: { TableName: config.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
      }),
    );
  } catch (e) {
    if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
      throw conflict(`Placement ${p.id} already exists.`);
    }
    throw e;
  }
  return p;
}

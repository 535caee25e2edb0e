import { parseArgs } from 'node:util';
import { openTarget } from '../../functions/cli/target.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { loadChildren, loadHomesAndVacancies, loadSpend } from './england.ts';

/**
 * `npm run england [-- --seed N --spend-lines N]`: loads the England-scale data of ./england.ts
 * into the local store — the running `npm start` hub's, or .local/ started for the command — so
 * the hub can be tried at the scale it may grow to. Seeded: the same seed writes the same data,
 * and a rerun adds nothing.
 */
const { values } = parseArgs({ options: { seed: { type: 'string', default: '2025' }, 'spend-lines': { type: 'string', default: '1000000' } } });
const seed = Number(values.seed);
const spendLines = Number(values['spend-lines']);
if (!Number.isInteger(seed) || !Number.isInteger(spendLines) || spendLines < 0) {
  console.error('usage: npm run england -- [--seed <integer>] [--spend-lines <count>]');
  process.exit(2);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'SILENT';
const target = await openTarget({ startLocal: startLocalStack });
try {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const homes = await loadHomesAndVacancies(seed);
  if (homes) console.log(`homes: ${homes.written} from the England register (${s(homes.importMs)}); ${homes.vacancies} vacancies, ${homes.beds} beds (${s(homes.vacancyMs)})`);
  else console.log('homes: skipped, ../shared/data has no England register');
  const children = await loadChildren(seed, { requests: 2_000, referrals: 5_000 });
  console.log(`children: ${children.requests} pool requests, ${children.referrals} referrals (${s(children.ms)})`);
  if (spendLines > 0) {
    const spend = await loadSpend({ period: 'FY2024-25', order: 'export', seed, lines: spendLines }, (line) => console.log(line));
    console.log(`spend: ${spend.lines} lines in ${spend.batches} batches for FY2024-25 (${s(spend.ms)}); roll it up with: npx hub rollup --period FY2024-25`);
  }
} finally {
  await target.close();
}

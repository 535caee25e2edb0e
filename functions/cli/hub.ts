import { Command } from 'commander';
import { openTarget, type LocalStarter, type Target } from './target.ts';
import { createKeyCommand, revokeKeysCommand } from './keys.ts';
import { poolBeds, poolLedger } from './pool.ts';
import { importOfsted } from './import-ofsted.ts';
import { runRollupCommand } from './rollup.ts';

/**
 * `hub`: the operator's command line. Every command acts on the local store by default
 * (the running hub's, or .local/ directly) and on AWS with --aws.
 */
let startLocal: LocalStarter;
const program = new Command('hub').description('Commission East hub operations').option('--aws', 'act on the deployed stack (TABLE_NAME, BUCKET_NAME, AWS credentials)', false);

async function withTarget<T>(fn: (t: Target) => Promise<T>): Promise<T> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const target = await openTarget({ aws: program.opts().aws, startLocal });
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

const keys = program.command('keys').description('API keys (stored only as hashes)');
keys
  .command('create')
  .requiredOption('--principal <principal>', 'authority:<slug>, provider:<id> or programme-office')
  .description('print a new key for the principal')
  .action(async (o: { principal: string }) => {
    const key = await withTarget((t) => createKeyCommand(o.principal, { aws: t.kind === 'aws' }));
    console.log(key);
  });
keys
  .command('revoke')
  .requiredOption('--principal <principal>')
  .description('revoke every key of the principal (in AWS also flushing the authorizer cache, so it is refused at once)')
  .action(async (o: { principal: string }) => {
    const { revoked: n, flushed } = await withTarget((t) => revokeKeysCommand(o.principal, { aws: t.kind === 'aws' }));
    console.log(`revoked ${n} key${n === 1 ? '' : 's'} of ${o.principal}`);
    for (const stage of flushed) console.log(`flushed the authorizer cache of ${stage}`);
  });

const pool = program.command('pool').description('pooled emergency and move-on beds');
pool
  .command('beds')
  .option('--csv', 'CSV instead of a table')
  .description('every pooled bed with its status')
  .action((o: { csv?: boolean }) => withTarget(() => poolBeds(o)));
pool
  .command('ledger')
  .requiredOption('--from <date>', 'first night, YYYY-MM-DD')
  .requiredOption('--to <date>', 'last night, YYYY-MM-DD (at most today)')
  .option('--csv', 'CSV instead of a table')
  .description('occupancy, voids and each authority\'s use against its share')
  .action((o: { from: string; to: string; csv?: boolean }) => withTarget(() => poolLedger(o)));

program
  .command('import-ofsted')
  .argument('<file>', "Ofsted's provider-level CSV, exactly as published")
  .option('--region <region>', 'only this Ofsted region, e.g. "East of England"')
  .description('load children\'s homes and their owners from the Ofsted register (idempotent)')
  .action(async (file: string, o: { region?: string }) => {
    await withTarget(() => importOfsted(file, { region: o.region, progress: process.stdout.isTTY }));
  });

program
  .command('rollup')
  .requiredOption('--period <period>', 'YYYY-MM, YYYY-Qn or FYYYYY-YY')
  .description('roll up a period\'s spend into S3 (JSON, CSV, manifest)')
  .action(async (o: { period: string }) => {
    await withTarget(() => runRollupCommand({ period: o.period, progress: process.stdout.isTTY }));
  });

/** Runs the command line; `local` starts the persisted local store when no hub is running. */
export function runHub(local: LocalStarter): void {
  startLocal = local;
  program.parseAsync().catch((e: Error) => {
    console.error(`hub: ${e.message}`);
    process.exit(1);
  });
}

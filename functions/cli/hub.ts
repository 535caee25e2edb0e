import { Command } from 'commander';
import { openTarget, type LocalStarter, type Target } from './target.ts';
import { createKeyCommand, listKeysCommand, principalArg, revokeKeysCommand } from './keys.ts';
import { poolBeds, poolLedger } from './pool.ts';
import { placementsExport, placementsOverdue } from './placements.ts';
import { importOfsted } from './import-ofsted.ts';
import { invitationText, inviteProvider } from './providers.ts';
import { runRollupCommand } from './rollup.ts';
import { addPersonCommand, tokenCommand } from './people.ts';

/**
 * `hub`: the operator's command line. Every command acts on the local store by default
 * (the running hub's, or .local/ directly) and on AWS with --aws. Every command exits 0 on
 * success and 1 with one line on stderr on failure; a reader that stops reading (`| head -1`)
 * is not a failure.
 */
let startLocal: LocalStarter;
const program = new Command('hub')
  .description('Commission East hub operations')
  .option('--aws', 'act on the deployed stack (TABLE_NAME, BUCKET_NAME, AWS credentials)', false)
  // set before the subcommands are made, so that they inherit it: usage errors as one `hub: …` line
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`hub: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`) });

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
  .description('print a new key for a principal the hub knows, and its id')
  .action(async (o: { principal: string }) => {
    principalArg(o.principal); // a malformed principal fails before any store is opened
    const { key, id } = await withTarget((t) => createKeyCommand(o.principal, { aws: t.kind === 'aws' }));
    console.log(`key  ${key}\nid   ${id}`);
  });
keys
  .command('list')
  .requiredOption('--principal <principal>', 'authority:<slug>, provider:<id> or programme-office')
  .description("the principal's keys: id, when created, active or revoked (never the key itself)")
  .action(async (o: { principal: string }) => {
    principalArg(o.principal);
    const list = await withTarget(() => listKeysCommand(o.principal));
    if (list.length === 0) console.log(`no keys for ${o.principal}`);
    for (const k of list) console.log(`${k.id}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
  });
keys
  .command('revoke')
  .requiredOption('--principal <principal>', 'authority:<slug>, provider:<id> or programme-office')
  .option('--key <id>', 'only this key (its id, as keys list shows it)')
  .description('revoke every key of the principal, or one (in AWS also flushing the authorizer cache, so it is refused at once)')
  .action(async (o: { principal: string; key?: string }) => {
    principalArg(o.principal);
    const { revoked: n, flushed } = await withTarget((t) => revokeKeysCommand(o.principal, { aws: t.kind === 'aws', ...(o.key ? { keyId: o.key } : {}) }));
    console.log(`revoked ${n} key${n === 1 ? '' : 's'} of ${o.principal}`);
    for (const stage of flushed) console.log(`flushed the authorizer cache of ${stage}`);
  });

const providers = program.command('providers').description('provider organisations');
providers
  .command('invite')
  .requiredOption('--provider <id>', 'a provider the hub knows, as GET /v1/providers lists it (e.g. harbour-care)')
  .description('print a key for a known provider, and whether it is a party to the regional sharing agreement yet')
  .action(async (o: { provider: string }) => {
    const invitation = await withTarget((t) => inviteProvider(o.provider, { aws: t.kind === 'aws' }));
    process.stdout.write(invitationText(invitation));
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

const placements = program.command('placements').description('placements: the SSDA903 export and overdue reg 13(4) notices');
placements
  .command('export')
  .requiredOption('--year <year>', 'SSDA903 collection year, YYYY-YY (e.g. 2025-26)')
  .requiredOption('--authority <slug>', 'the placing authority, e.g. essex')
  .description("an authority's placements as the SSDA903 episodes of a collection year (CSV on stdout)")
  .action(async (o: { year: string; authority: string }) => {
    process.stdout.write(await withTarget(() => placementsExport(o)));
  });
placements
  .command('overdue')
  .option('--authority <slug>', 'only this placing authority')
  .option('--csv', 'CSV instead of a table')
  .description('reg 13(4) notices not sent and due before today, most overdue first')
  .action(async (o: { authority?: string; csv?: boolean }) => {
    process.stdout.write(await withTarget(() => placementsOverdue(o)));
  });

const people = program.command('people').description('people who sign in at the local OpenID provider (local only; in AWS, Cognito)');
const localOnly = (what: string) => {
  if (program.opts().aws || process.env.HUB_TARGET === 'aws') throw new Error(`hub people ${what} is local only: in AWS people are managed in the Cognito user pool`);
};
people
  .command('token')
  .requiredOption('--email <email>', 'a demo person (.local/demo-people.json)')
  .description("sign a demo person in at the running hub's OpenID provider and print their access token")
  .action(async (o: { email: string }) => {
    localOnly('token');
    console.log(await withTarget(() => tokenCommand(o.email)));
  });
people
  .command('add')
  .requiredOption('--email <email>', 'their email address (what they sign in with)')
  .requiredOption('--principal <principal>', 'their organisation: authority:<slug>, provider:<id> or programme-office')
  .requiredOption('--roles <roles>', 'comma- or space-separated, e.g. placement-officer,nominated-officer')
  .description('add a demo person with a random password (written to .local/demo-people.json)')
  .action(async (o: { email: string; principal: string; roles: string }) => {
    localOnly('add');
    principalArg(o.principal);
    const { person, password } = await withTarget(() => addPersonCommand(o));
    console.log(`email     ${person.email}\npassword  ${password}\nsub       ${person.sub}\nprincipal ${person.principal}\nroles     ${person.roles.join(' ')}`);
  });

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

/** A failure as the one line `hub` prints: the message, never a stack. */
export function failureLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `hub: ${message.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'failed'}`;
}

function fail(e: unknown): never {
  process.stderr.write(`${failureLine(e)}\n`);
  process.exit(1);
}

/**
 * Output to a reader that has gone (`hub pool beds | head -1`) is not a failure: once stdout's
 * pipe is closed, what is left to print is dropped, the command finishes (closing what it opened)
 * and exits 0 as usual.
 */
function tolerateClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') fail(e);
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}

/** Runs the command line; `local` starts the persisted local store when no hub is running. */
export function runHub(local: LocalStarter): void {
  startLocal = local;
  tolerateClosedStdout();
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  program.parseAsync().catch((e: Error & { code?: string; exitCode?: number }) => {
    // commander has printed its own message (usage errors), or printed help/version (exit 0)
    if (e.code?.startsWith('commander.')) process.exit(e.exitCode === 0 ? 0 : 1);
    fail(e);
  });
}

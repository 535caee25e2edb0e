import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parsePrincipal } from '../../functions/domain/principal.ts';
import { createApiKey, principalForApiKey } from '../../functions/store/api-keys.ts';
import { DEMO_PEOPLE, DEMO_PRINCIPALS } from './demo-principals.ts';
import { addPerson, newPassword, personWithPassword } from '../../functions/store/people.ts';
import { readPeople, writePeople, type DemoPerson } from '../../functions/cli/people.ts';
import { writeFileAtomic } from './stack.ts';

/**
 * Demo data for `npm start`: a key for every demo principal, written to .local/demo-keys.json
 * (kept across restarts while the keys still work), then every module in ./demo/ in name
 * order. Each demo module is idempotent: a restart changes nothing that is already there.
 */
export interface DemoContext {
  keys: Record<string, string>;
}

export async function seedDemoKeys(file: string): Promise<Record<string, string>> {
  const previous = readKeys(file);
  const keys: Record<string, string> = {};
  for (const id of DEMO_PRINCIPALS) {
    const principal = parsePrincipal(id)!;
    const old = previous[id];
    const still = old ? await principalForApiKey(old) : undefined;
    keys[id] = still ? old! : await createApiKey(principal);
  }
  writeFileAtomic(file, `${JSON.stringify(keys, null, 2)}\n`, 0o600);
  return keys;
}

/**
 * The demo people, written to `file` (.local/demo-people.json) with their passwords: kept across
 * restarts while each still signs in with its password and holds its organisation and roles;
 * otherwise given a new random password (its `sub` kept). People `hub people add` appended to
 * the file are kept as they are.
 */
export async function seedDemoPeople(file: string): Promise<DemoPerson[]> {
  const previous = readPeople(file);
  const people: DemoPerson[] = [];
  for (const demo of DEMO_PEOPLE) {
    const old = previous.find((p) => p.email === demo.email);
    const still = old ? await personWithPassword(old.email, old.password) : undefined;
    const same = still && still.principal === demo.principal && still.roles.join(' ') === demo.roles.join(' ');
    if (same) people.push(old!);
    else {
      const password = newPassword();
      await addPerson({ ...demo, password }, { replace: true });
      people.push({ ...demo, password });
    }
  }
  people.push(...previous.filter((p) => !DEMO_PEOPLE.some((d) => d.email === p.email)));
  writePeople(people, file);
  return people;
}

/** The keys kept from the last start; none if the file is missing or not JSON (then new keys are made). */
function readKeys(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export async function seedDemoData(ctx: DemoContext): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'demo');
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { seed?: (c: DemoContext) => Promise<void> };
    await mod.seed?.(ctx);
  }
}

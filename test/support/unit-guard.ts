import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * The `unit` project's setup (vitest.config.ts): unit tests run with no Java, no local stack and
 * no network. Anything a unit test reaches that would open a connection (DynamoDB, S3, fetch) or
 * start a process (DynamoDB Local is a `java` child) throws here instead of quietly working on a
 * developer's machine and failing on one without Java. A test that needs those belongs in
 * test/integration/.
 */
const refuse = (what: string) => () => {
  throw new Error(`unit tests run without network and child processes (${what}); move this test to test/integration/`);
};

net.Socket.prototype.connect = refuse('net.Socket.connect') as never;
for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  (childProcess as unknown as Record<string, unknown>)[fn] = refuse(`child_process.${fn}`);
}
syncBuiltinESMExports();

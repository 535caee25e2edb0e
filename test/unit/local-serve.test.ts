import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_FLAGS } from '../../infra/local/stack.ts';

/** `npm start` runs with the same Node flags as the gateway process the tests and benchmarks measure (infra/local/stack.ts). */
describe('the local hub', () => {
  it("npm start passes SERVE_NODE_FLAGS to node, as the tests' and benchmarks' gateway does", () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`node ${SERVE_NODE_FLAGS.join(' ')} --import tsx infra/local/start.ts`);
  });
});

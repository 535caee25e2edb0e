#!/usr/bin/env node
// The `hub` command: runs functions/cli/hub.ts through tsx, from any working directory. The local
// store's starter (infra/local) is handed in here, so functions/ never imports infra/.
import { register } from 'tsx/esm/api';

register();
const { runHub } = await import(new URL('../functions/cli/hub.ts', import.meta.url).href);
runHub(async (opts) => {
  const { startLocalStack } = await import(new URL('../infra/local/stack.ts', import.meta.url).href);
  return startLocalStack(opts);
});

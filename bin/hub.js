#!/usr/bin/env node
// The `hub` command: runs functions/cli/hub.ts through tsx, from any working directory.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../functions/cli/hub.ts', import.meta.url).href);

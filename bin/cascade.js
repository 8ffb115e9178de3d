#!/usr/bin/env node
// The `cascade` command (see apps/cli/src/main.ts): runs the compiled CLI from dist/ with the @cascade/* aliases.
const { join } = require('node:path');
const root = join(__dirname, '..');
process.env.TS_NODE_BASEURL = join(root, 'dist');
process.env.TS_NODE_PROJECT = join(root, 'tsconfig.json');
require('tsconfig-paths/register');
require(join(root, 'dist', 'apps', 'cli', 'src', 'main.js')).run(process.argv.slice(2));

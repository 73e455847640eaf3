#!/usr/bin/env node
'use strict';
// The CLI is compiled with the rest of the repository (`npm run build`) to dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'scripts', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    'hookstream: dist/scripts/cli/main.js is missing: run `npm run build` in the repository first\n',
  );
  process.exit(2);
}
require(entry).run();

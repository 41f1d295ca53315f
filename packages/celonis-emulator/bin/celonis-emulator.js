#!/usr/bin/env node
// The `celonis-emulator` command: runs the compiled CLI (`npm run build` in this package; the root's
// `npm install` builds it). A file of its own so the bin npm links exists before the first build.
"use strict";
void require("../dist/cli.js").main(process.argv.slice(2));

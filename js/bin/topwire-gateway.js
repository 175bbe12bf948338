#!/usr/bin/env node
'use strict';
// npx --no-install topwire-gateway [--host 127.0.0.1] [--port 8080] [--config FILE] [--app-key K --app-secret S] [--quiet]
// Prints `topwire gateway listening on http://HOST:PORT/router/rest (app keys: ...)`
// first, then serves until SIGINT or SIGTERM. See topwire/gateway.
const { main } = require('../lib/gateway.cjs');

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`topwire gateway: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);

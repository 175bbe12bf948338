'use strict';
// `topwire/tmc`: TMC, the message channel TOP pushes events through (Node
// only). The frame codec and the sans-I/O session are the core's (the wasm
// module, through the facade); you bring the WebSocket and the clock.
//
//   const { TmcSession } = require('topwire/tmc');
//   const session = new TmcSession({ appKey, appSecret });
//   ws.on('open', () => ws.send(session.connect()));
//   ws.on('message', (bytes) => { for (const e of session.receive(bytes)) ... });
//
// Also in the main entry (`require('topwire')`), where the browser builds
// throw on use.

const { decodeFrame, encodeFrame, TmcSession, TmcMessage } = require('../dist/node/index.cjs');

module.exports = { decodeFrame, encodeFrame, TmcSession, TmcMessage };

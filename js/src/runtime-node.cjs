'use strict';
// Node's runtime for the facade: the glue loads synchronously, so there is
// nothing to wait for, and the Node build carries the local gateway.
const glue = require('./topwire_wasm.js');

exports.ensureReady = function ensureReady() {};
exports.gatewayGlue = function gatewayGlue() {
  return glue;
};
exports.init = async function init() {};
exports.initSync = function initSync() {};

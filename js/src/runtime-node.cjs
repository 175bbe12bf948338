'use strict';
// Node's runtime for the facade: the glue loads synchronously, so there is
// nothing to wait for, and the Node build carries the local gateway.
const glue = require('./topwire_wasm.js');

exports.ensureReady = function ensureReady() {};
exports.gatewayGlue = function gatewayGlue() {
  return glue;
};
// The facade reads prepared requests straight from wasm memory: a Buffer
// over it slices ASCII text as latin1, with no UTF-8 decoding.
exports.memoryBytes = function memoryBytes(buffer) {
  return Buffer.from(buffer);
};
exports.asciiText = function asciiText(bytes, start, end) {
  return bytes.latin1Slice(start, end);
};
exports.init = async function init() {};
exports.initSync = function initSync() {};

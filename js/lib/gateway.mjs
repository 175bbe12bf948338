// ESM entry of `topwire/gateway`: the same objects as gateway.cjs.
import cjs from './gateway.cjs';

export const {
  DEFAULT_APP_KEY, DEFAULT_APP_SECRET, DEFAULT_LIMITS, DEFAULT_PORT, Gateway, buildGateway, requestListener, serveGateway, main,
} = cjs;
export default cjs;

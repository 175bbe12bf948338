// ESM entry of `topwire/tmc`: the same objects as tmc.cjs.
import cjs from './tmc.cjs';

export const { decodeFrame, encodeFrame, TmcSession, TmcMessage } = cjs;
export default cjs;

// Declarations of `topwire/tmc`: TMC, the message channel (Node only).
export { decodeFrame, encodeFrame, TmcSession, TmcMessage } from './index';
export type { Frame, FrameEntry, FrameInput, FrameType, TmcAction, TmcEvent, TmcSessionOptions, TmcTime } from './index';

// Declarations of `topwire/gateway`: the local TOP gateway over Node's http.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Gateway, GatewayConfig, TmcChannel, TmcChannelEvent, TmcChannelOptions, TmcPublishOptions } from './index';

export { Gateway, GatewayConfig, TmcChannel, TmcChannelEvent, TmcChannelOptions, TmcPublishOptions } from './index';

/** `12345678`: the app key accepted when neither a config nor flags name one. */
export const DEFAULT_APP_KEY: string;
/** `topwire-local-secret`: the secret of DEFAULT_APP_KEY (public, local only). */
export const DEFAULT_APP_SECRET: string;
/** The CLI's port when `--port` is not given: 8080. */
export const DEFAULT_PORT: number;

/** What one client may hold (the Python server's `Limits` has the same defaults). */
export interface GatewayLimits {
  /** Connections open at once; more are closed on accept. Default 128. */
  maxConnections: number;
  /** Bytes of request line and headers; 431 beyond. Default 16384. */
  maxHeaderBytes: number;
  /** Bytes of body; 413 beyond (at once when Content-Length says so). Default 4 MiB. */
  maxBodyBytes: number;
  /** Milliseconds to send the request line and headers; 408 after. Default 10000. */
  headerTimeout: number;
  /** Milliseconds to send the whole request; 408 after. Default 30000. */
  requestTimeout: number;
  /** Milliseconds an idle kept-alive connection stays open. Default 5000. */
  keepAliveTimeout: number;
}

/** The limits a server has unless told otherwise. */
export const DEFAULT_LIMITS: Readonly<GatewayLimits>;

export interface BuildGatewayOptions {
  /** The config as JSON text or an object (not with `configFile`). */
  config?: string | GatewayConfig | null;
  /** The path of a JSON config file (not with `config`). */
  configFile?: string | null;
  /** With `appSecret`: accept only this app. */
  appKey?: string;
  appSecret?: string;
}

export interface ListenerOptions {
  /** The gateway's clock in epoch milliseconds; default Date.now. */
  clock?: () => number;
  /** One line per request (never the query, secrets or sessions): a stream or a function. */
  log?: { write(line: string): unknown } | ((line: string) => void);
  /** Bodies larger than this get 413 (requestListener only; servers take `limits`). Default 4 MiB. */
  maxBodyBytes?: number;
}

export interface RequestListenerOptions extends ListenerOptions {
  /** A message channel's endpoint (`serveGateway(...).tmc`): consume/confirm served from its queue. */
  tmc?: TmcEndpoint;
}

/** Every options record here refuses an unknown key (a ValidationError naming the key most likely meant). */
export interface ServeGatewayOptions extends BuildGatewayOptions, Omit<ListenerOptions, 'maxBodyBytes'> {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** A ready gateway instead of config/configFile/appKey/appSecret. */
  gateway?: Gateway;
  /** Overrides of DEFAULT_LIMITS. */
  limits?: Partial<GatewayLimits>;
  /** The message channel's options, or false for none (default: on, with the defaults). */
  tmc?: TmcChannelOptions | false;
}

/** A disconnected WebSocket consumer. */
export interface TmcDisconnected {
  type: 'disconnected';
  connection: number;
}

/**
 * The message channel's endpoint (ws://HOST:PORT/tmc, carried by the
 * optional package `ws`). Emits each event under its type and as 'event'.
 */
export interface TmcEndpoint extends EventEmitter {
  /** The core's channel: `messageState(id)`, ... */
  readonly channel: TmcChannel;
  /** Queues a message and hands it to pulling consumers; its id. */
  publish(topic: string, content: string, options?: TmcPublishOptions): bigint;
  /** Resolves with the next event of `type` for which `test` holds. */
  waitFor(type: TmcChannelEvent['type'] | 'disconnected', test?: (event: TmcChannelEvent | TmcDisconnected) => boolean): Promise<TmcChannelEvent | TmcDisconnected>;
  /** Cuts every WebSocket at once, as a network failure does. */
  dropConnections(): void;
}

export interface GatewayServer {
  /** `http://127.0.0.1:PORT/router/rest`: give it to `new TopClient({ gateway })`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly appKeys: string[];
  readonly gateway: Gateway;
  readonly server: Server;
  readonly limits: Readonly<GatewayLimits>;
  /** `ws://127.0.0.1:PORT/tmc`: the message channel (undefined with `tmc: false`). */
  readonly tmcUrl: string | undefined;
  /** The message channel's endpoint (undefined with `tmc: false`). */
  readonly tmc: TmcEndpoint | undefined;
  /** Publishes a message on the local channel; its id (above 2^53 by default). */
  publish(topic: string, content: string, options?: TmcPublishOptions): bigint;
  /** Cuts every TMC WebSocket, as a network failure would. */
  dropTmcConnections(): void;
  /** `topwire gateway listening on URL (app keys: ...)`: the CLI's first line. */
  banner(): string;
  /** Stops listening and closes open connections; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves the local gateway; resolves once it listens. */
export function serveGateway(options?: ServeGatewayOptions): Promise<GatewayServer>;
/** The core gateway of a config (text, object or file) and an app. */
export function buildGateway(options?: BuildGatewayOptions): Gateway;
/** A handler for http.createServer, Express or Connect that answers as the gateway. */
export function requestListener(gateway: Gateway, options?: RequestListenerOptions): (req: IncomingMessage, res: ServerResponse) => void;
/** The CLI (`npx --no-install topwire-gateway`): resolves to the exit code once stopped. */
export function main(argv?: string[]): Promise<number>;

// Declarations of `topwire/gateway`: the local TOP gateway over Node's http.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Gateway, GatewayConfig } from './index';

export { Gateway, GatewayConfig } from './index';

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
export function requestListener(gateway: Gateway, options?: ListenerOptions): (req: IncomingMessage, res: ServerResponse) => void;
/** The CLI (`npx --no-install topwire-gateway`): resolves to the exit code once stopped. */
export function main(argv?: string[]): Promise<number>;

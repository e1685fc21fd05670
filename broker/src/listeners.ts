/**
 * The ways in: MQTT over TCP, MQTT over TLS and MQTT over WebSocket (path `/mqtt`, MQTT 3.1.1 §6), which is wss when
 * the broker has a certificate. Every one hands each new connection, as a byte stream, to the same intake.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { BrokerConfig, BrokerTls } from './config.ts'
import { coalesceWrites } from './socket-writes.ts'

export const WS_PATH = '/mqtt'

/**
 * ws assembles a whole WebSocket message in memory before handing it on, up to 100 MiB by default. A client may
 * put several MQTT packets in one message (browsers batch writes), so the cap is generous; each packet inside it
 * is still held to MAX_PACKET_BYTES by the broker.
 */
const MAX_WS_MESSAGE_BYTES = 1024 * 1024

/** TLS 1.0 and 1.1 are deprecated (RFC 8996). Node's default floor is the same; stated because devices depend on it. */
const MIN_TLS_VERSION = 'TLSv1.2'
/**
 * A client must finish its TLS handshake this soon, as it must send CONNECT within the broker's connect timeout;
 * Node's default of 120 s would let idle sockets pile up before any MQTT guard sees them.
 */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000

export type Accept = (conn: Duplex, remoteAddress: string | undefined, request?: IncomingMessage) => void

/** Where the listeners hand their connections and report what they refused. */
export interface ConnectionIntake {
  accept: Accept
  /** A socket was closed on arrival: the listener already holds `maxConnections`. */
  dropped(remoteAddress: string | undefined): void
  /** A TLS handshake failed: a client that does not trust the certificate, plain MQTT on a TLS port, a scanner. */
  tlsFailed(error: Error, remoteAddress: string | undefined): void
}

export interface Listeners {
  /** MQTT in the clear; undefined when it is off (TLS only). */
  tcpPort: number | undefined
  /** MQTT over TLS; undefined without a certificate. */
  tlsPort: number | undefined
  wsPort: number
  /** Whether the WebSocket listener is wss. */
  wsSecure: boolean
  /** Stops accepting and drops WebSocket clients; resolves once every server has no connection left. */
  close(): Promise<void>
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') reject(new Error(`unexpected listen address ${address}`))
      else resolve(address.port)
    })
  })
}

function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
  })
}

/** Plain HTTP on the WebSocket port gets 426: only the upgrade at WS_PATH is served. */
function refusePlainHttp(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' })
  response.end(`MQTT over WebSocket only, at ${WS_PATH}\n`)
}

function secureOptions(tls: BrokerTls): TlsOptions {
  return {
    // Node sends the chain given in `cert` only; its `ca` option is for checking client certificates, not asked for
    cert: tls.ca === undefined ? tls.cert : Buffer.concat([tls.cert, Buffer.from('\n'), tls.ca]),
    key: tls.key,
    minVersion: MIN_TLS_VERSION,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  }
}

export async function openListeners(
  config: Pick<BrokerConfig, 'host' | 'port' | 'wsPort' | 'tls' | 'maxConnections'>,
  intake: ConnectionIntake,
): Promise<Listeners> {
  /** An MQTT byte stream over TCP, in the clear or inside TLS: the same guards either way. */
  const acceptSocket = (socket: Socket): void => {
    // without Nagle, publish → subscriber latency drops from ~35 ms to ~3 ms p99 at load (TOOLCHAIN §12); a TLS
    // socket passes it on to its TCP socket, and ws does the same for its sockets
    socket.setNoDelay(true)
    coalesceWrites(socket)
    intake.accept(socket, socket.remoteAddress)
  }
  const tcp = config.port === undefined ? undefined : { server: createTcpServer(acceptSocket), port: config.port }
  const tls = config.tls && { server: createTlsServer(secureOptions(config.tls), acceptSocket), port: config.tls.port }
  const https = config.tls && createHttpsServer(secureOptions(config.tls), refusePlainHttp)
  const http = https ?? createHttpServer(refusePlainHttp)
  const servers = [tcp?.server, tls?.server, http].filter((server) => server !== undefined)
  for (const server of servers) {
    server.maxConnections = config.maxConnections
    server.on('drop', (data) => intake.dropped(data?.remoteAddress))
  }
  for (const server of [tls?.server, https]) {
    server?.on('tlsClientError', (error, socket) => intake.tlsFailed(error, socket.remoteAddress))
  }
  const wss = new WebSocketServer({ server: http, path: WS_PATH, maxPayload: MAX_WS_MESSAGE_BYTES })
  wss.on('connection', (ws, request) => intake.accept(createWebSocketStream(ws), request.socket.remoteAddress, request))

  const close = async (): Promise<void> => {
    const closed = Promise.all(servers.map(closeServer))
    for (const ws of wss.clients) ws.terminate()
    wss.close()
    await closed
  }
  try {
    const tcpPort = tcp && (await listen(tcp.server, tcp.port, config.host))
    const tlsPort = tls && (await listen(tls.server, tls.port, config.host))
    const wsPort = await listen(http, config.wsPort, config.host)
    return { tcpPort, tlsPort, wsPort, wsSecure: https !== undefined, close }
  } catch (error) {
    await close()
    throw error
  }
}

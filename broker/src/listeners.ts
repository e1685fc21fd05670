/**
 * The two ways in: MQTT over TCP and MQTT over WebSocket (path `/mqtt`, MQTT 3.1.1 §6). Both hand each new
 * connection, as a byte stream, to one `accept` function.
 */
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import type { Duplex } from 'node:stream'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { BrokerConfig } from './config.ts'
import { coalesceWrites } from './socket-writes.ts'

export const WS_PATH = '/mqtt'

/**
 * ws assembles a whole WebSocket message in memory before handing it on, up to 100 MiB by default. A client may
 * put several MQTT packets in one message (browsers batch writes), so the cap is generous; each packet inside it
 * is still held to MAX_PACKET_BYTES by the broker.
 */
const MAX_WS_MESSAGE_BYTES = 1024 * 1024

export type Accept = (conn: Duplex, remoteAddress: string | undefined, request?: IncomingMessage) => void

export interface Listeners {
  tcpPort: number
  wsPort: number
  /** Stops accepting and drops WebSocket clients; resolves once both servers have no connection left. */
  close(): Promise<void>
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
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

function closeServer(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
  })
}

/** Plain HTTP on the WebSocket port gets 426: only the upgrade at WS_PATH is served. */
function refusePlainHttp(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' })
  response.end(`MQTT over WebSocket only, at ${WS_PATH}\n`)
}

export async function openListeners(
  config: Pick<BrokerConfig, 'host' | 'port' | 'wsPort' | 'maxConnections'>,
  accept: Accept,
  /** A socket was closed on arrival: the listener already holds `maxConnections`. */
  onDrop: (remoteAddress: string | undefined) => void,
): Promise<Listeners> {
  const tcp = createTcpServer((socket) => {
    // without Nagle, publish → subscriber latency drops from ~35 ms to ~3 ms p99 at load (TOOLCHAIN §12);
    // ws does the same for its sockets
    socket.setNoDelay(true)
    coalesceWrites(socket)
    accept(socket, socket.remoteAddress)
  })
  const http = createHttpServer(refusePlainHttp)
  for (const server of [tcp, http]) {
    server.maxConnections = config.maxConnections
    server.on('drop', (data) => onDrop(data?.remoteAddress))
  }
  const wss = new WebSocketServer({ server: http, path: WS_PATH, maxPayload: MAX_WS_MESSAGE_BYTES })
  wss.on('connection', (ws, request) => accept(createWebSocketStream(ws), request.socket.remoteAddress, request))

  const close = async (): Promise<void> => {
    const closed = Promise.all([closeServer(tcp), closeServer(http)])
    for (const ws of wss.clients) ws.terminate()
    wss.close()
    await closed
  }
  try {
    const tcpPort = await listen(tcp, config.port, config.host)
    const wsPort = await listen(http, config.wsPort, config.host)
    return { tcpPort, wsPort, close }
  } catch (error) {
    await close()
    throw error
  }
}

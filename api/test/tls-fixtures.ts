/**
 * Throwaway certificates for the HTTPS and mqtts tests, made with the openssl CLI (Debian's `openssl`) in a temporary
 * folder removed with the test's other resources (`closeAll`): a CA, and a server certificate it signed for
 * `localhost` and 127.0.0.1, as a compound's own CA would sign its server's (docs/tls.md). P-256 keys, made in
 * milliseconds.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { tempDir } from './fixtures.ts'

const run = promisify(execFile)

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc']

export interface TestCertificates {
  /** The CA's certificate, PEM: what a client is given to trust the server. */
  caFile: string
  /** The CA's own key: a valid key that does not belong to the server certificate. */
  caKeyFile: string
  certFile: string
  keyFile: string
  ca: Buffer
  cert: Buffer
  key: Buffer
}

export async function makeCertificates(): Promise<TestCertificates> {
  const dir = tempDir('fm-api-tls-')
  const files = {
    caFile: join(dir, 'ca.crt'),
    caKeyFile: join(dir, 'ca.key'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
  }
  await run('openssl', [
    'req',
    '-x509',
    ...NEW_KEY,
    ...['-keyout', files.caKeyFile, '-out', files.caFile, '-days', '1', '-subj', '/CN=fm-test-ca'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ])
  // `req -x509 -CA` (OpenSSL 3.0) makes the key and signs its certificate in one step
  await run('openssl', [
    'req',
    '-x509',
    ...['-CA', files.caFile, '-CAkey', files.caKeyFile],
    ...NEW_KEY,
    ...['-keyout', files.keyFile, '-out', files.certFile, '-days', '1', '-subj', '/CN=localhost'],
    ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:FALSE'],
    ...['-addext', 'extendedKeyUsage=serverAuth'],
  ])
  const [ca, cert, key] = await Promise.all([files.caFile, files.certFile, files.keyFile].map((file) => readFile(file)))
  if (!ca || !cert || !key) throw new Error('openssl wrote no certificate')
  return { ...files, ca, cert, key }
}

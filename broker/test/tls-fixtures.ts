/**
 * Throwaway certificates for the TLS tests, made with the openssl CLI (Debian's `openssl`) in a temporary folder that
 * is removed when the test ends: a CA, and a server certificate it signed for `localhost` and 127.0.0.1, as a
 * compound's own CA would sign its broker's (docs/tls.md). P-256 keys, which take milliseconds to make.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { onTestFinished } from 'vitest'

const run = promisify(execFile)

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc']

export interface TestCertificates {
  /** The CA's certificate, PEM: what a client is given to trust the broker. */
  caFile: string
  /** The CA's own key: a valid key that does not belong to the server certificate. */
  caKeyFile: string
  certFile: string
  keyFile: string
  ca: Buffer
}

export async function makeCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'fm-tls-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const files = {
    caFile: join(dir, 'ca.crt'),
    caKeyFile: join(dir, 'ca.key'),
    certFile: join(dir, 'broker.crt'),
    keyFile: join(dir, 'broker.key'),
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
  return { ...files, ca: await readFile(files.caFile) }
}

/** The broker settings that turn TLS on with these certificates, on a free port. */
export function tlsEnv(certificates: TestCertificates): Record<string, string> {
  return {
    FM_BROKER_TLS_CERT_FILE: certificates.certFile,
    FM_BROKER_TLS_KEY_FILE: certificates.keyFile,
    FM_BROKER_TLS_PORT: '0',
  }
}

/**
 * The first user, `admin`, created on the first start so that someone can sign in at all. With `FM_ADMIN_PASSWORD` it
 * gets that password; otherwise the store generates one, which is printed once on standard output for the operator
 * (and must be changed at the first login). The log says only that the user was created: logs are shipped and kept,
 * and a password in them would outlive its change.
 */
import { type FirstAdminResult, type Store, UserError } from '@fm/store'
import type { FastifyBaseLogger } from 'fastify'
import { ConfigError } from '../config.ts'

export interface FirstAdminOutput {
  logger: Pick<FastifyBaseLogger, 'info'>
  /** Where the generated password goes, once: standard output in `main.ts`, never the log. */
  print: (text: string) => void
}

/**
 * Creates `admin` when there is no admin yet. A `FM_ADMIN_PASSWORD` the password policy refuses is a configuration
 * error (`ConfigError`): the api must not start without a way in.
 */
export async function createFirstAdmin(
  store: Store,
  password: string | undefined,
  { logger, print }: FirstAdminOutput,
): Promise<FirstAdminResult> {
  let result: FirstAdminResult
  try {
    result = await store.ensureFirstAdmin(password)
  } catch (error) {
    if (error instanceof UserError && error.code === 'FM_ERR_PASSWORD_WEAK') {
      throw new ConfigError([`FM_ADMIN_PASSWORD: ${error.message}`])
    }
    throw error
  }
  if (!result.created) return result
  logger.info(
    { username: result.username, passwordFrom: result.generated ? 'generated' : 'FM_ADMIN_PASSWORD' },
    'created the first admin user',
  )
  if (result.generated) print(firstAdminNotice(result.username, result.password))
  return result
}

/**
 * Terminal columns a string takes: CJK ideographs, kana, hangul and full-width forms take two. Enough for the
 * notice's fixed text; the generated password is ASCII.
 */
function columns(text: string): number {
  let width = 0
  for (const char of text) {
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char)
      ? 2
      : 1
  }
  return width
}

/**
 * The notice for the operator, in Chinese and English, in an ASCII box: box-drawing characters are of ambiguous width
 * and take two columns in many Chinese terminals, which would break the frame.
 */
export function firstAdminNotice(username: string, password: string): string {
  const lines = [
    '首次启动：已创建管理员账号。',
    'First start: the administrator account was created.',
    '',
    `用户名 / username:  ${username}`,
    `密码 / password:    ${password}`,
    '',
    `请立即以 ${username} 登录仪表盘并修改此密码。此密码只显示这一次。`,
    `Sign in to the dashboard as ${username} and change this password now.`,
    'It is shown only this once.',
  ]
  const width = Math.max(...lines.map(columns))
  const rule = `+${'-'.repeat(width + 4)}+`
  const body = lines.map((line) => `|  ${line}${' '.repeat(width - columns(line))}  |`)
  return ['', rule, ...body, rule, ''].join('\n')
}

import { readFileSync } from 'node:fs'
import { PERMISSIONS, ROLE_PERMISSIONS, USER_ROLES } from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const doc = readFileSync(new URL('../../docs/access.md', import.meta.url), 'utf8')

/** The markdown table that follows a heading: its header cells and its rows, as arrays of cells. */
function tableAfter(heading: string): { header: string[]; rows: string[][] } {
  const start = doc.indexOf(`\n${heading}\n`)
  if (start < 0) return { header: [], rows: [] }
  const lines = doc.slice(start + heading.length + 2).split('\n')
  const table: string[][] = []
  for (const line of lines) {
    if (line.startsWith('|'))
      table.push(
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      )
    else if (table.length > 0) break
  }
  const [header = [], , ...rows] = table
  return { header, rows }
}

const unquote = (cell: string | undefined) => cell?.replace(/`/g, '') ?? ''

describe('docs/access.md', () => {
  const { header, rows } = tableAfter('## Permissions')

  it('has a column per role, in the order of USER_ROLES, and one to explain each permission', () => {
    expect(header).toEqual(['permission', ...USER_ROLES, 'what it allows'])
  })

  it('has a row per permission, in the order of PERMISSIONS, each explained', () => {
    expect(rows.map(([permission]) => unquote(permission))).toEqual([...PERMISSIONS])
    for (const row of rows) expect(row.at(-1), `${row[0]} is explained`).toMatch(/\w{3}/)
  })

  it('marks exactly the permissions of ROLE_PERMISSIONS, with ✓ or —', () => {
    const documented = Object.fromEntries(
      USER_ROLES.map((role, index) => {
        const column = index + 1
        for (const row of rows) expect(['✓', '—'], `${row[0]} × ${role}`).toContain(row[column])
        return [role, rows.filter((row) => row[column] === '✓').map(([permission]) => unquote(permission))]
      }),
    )
    expect(documented).toEqual(ROLE_PERMISSIONS)
  })

  it('describes every role and no other', () => {
    expect(tableAfter('## Roles').rows.map(([role]) => unquote(role))).toEqual([...USER_ROLES])
  })
})

import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { FAULT_NAMES, FAULTS } from '../src/devices/faults.ts'

/** The cells of the Markdown table rows whose first cell is a code span, e.g. | `trip` | pump | … |. */
function codeRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => /^\|\s*`[a-z-]+`\s*\|/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
}

describe('README', () => {
  it('lists every fault of FAULTS with its kinds and effect, and no other', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const rows = codeRows(readme).filter(([name]) => !name?.startsWith('`FM_'))
    const expected = FAULT_NAMES.map((name) => {
      const { kinds, layer, effect } = FAULTS[name]
      return [`\`${name}\``, layer === 'transport' ? 'any' : kinds.join(', '), effect]
    })
    expect(rows).toEqual(expected)
  })
})

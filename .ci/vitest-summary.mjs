// Prints Vitest's totals from its JSON report as the one line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2] ?? '.vitest-report.json'
if (!existsSync(file)) {
  // Lint, typecheck or build failed before any test ran: report that as a failure, not as silence.
  console.log('0 passed, 1 failed')
  process.exit(0)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
// A test file that fails to load has no failed tests of its own; count it so that it cannot pass unnoticed.
const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0)
console.log(`${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles.length} failed`)

import type { ReactNode } from 'react'

interface AdminPanelRowProps {
  /** The table's columns, which the panel spans. */
  columns: number
  children: ReactNode
  testId?: string
  panel?: string
}

/** A full-width row under a row of an administration table: a form, details, or the refusal of the row's action. */
export function AdminPanelRow({ columns, children, testId, panel }: AdminPanelRowProps) {
  return (
    <tr className="admin-table__panel" data-testid={testId} data-panel={panel}>
      <td colSpan={columns}>{children}</td>
    </tr>
  )
}

/**
 * Who can be sent: enabled technicians whose scope covers the work, with their trades (水电, 电梯, 消防…) and their
 * load, for the dispatcher's choice.
 */
import {
  scopeCovers,
  scopeIncludesSite,
  type UserScope,
  WORK_ORDER_CATEGORIES,
  type WorkOrderCategory,
} from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'
import type { Store, Technician } from './types.ts'
import { OPEN_STATES_SQL, WorkOrderError } from './work-order-rows.ts'

interface TechnicianRow {
  username: string
  display_name: string
  scope: string
  trades: string | null
  open: number
}

export function createWorkOrderPeople(db: SqliteDatabase) {
  const technicianRows = db.prepare<{ username: string | null }, TechnicianRow>(
    `SELECT u.username, u.display_name, u.scope,
       (SELECT json_group_array(t.category) FROM user_trades t WHERE t.username = u.username) AS trades,
       (SELECT count(*) FROM work_orders w WHERE w.assignee = u.username AND w.state IN ${OPEN_STATES_SQL}) AS open
     FROM users u
     WHERE u.role = 'technician' AND u.disabled = 0 AND (@username IS NULL OR u.username = @username)
     ORDER BY u.username`,
  )
  const userExists = db.prepare<[string], { username: string }>('SELECT username FROM users WHERE username = ?')
  const removeTrades = db.prepare<[string]>('DELETE FROM user_trades WHERE username = ?')
  const addTrade = db.prepare<[string, string]>('INSERT INTO user_trades (username, category) VALUES (?, ?)')

  function toTechnician(row: TechnicianRow): Technician {
    const trades = (JSON.parse(row.trades ?? '[]') as WorkOrderCategory[]).sort(
      (a, b) => WORK_ORDER_CATEGORIES.indexOf(a) - WORK_ORDER_CATEGORIES.indexOf(b),
    )
    return { username: row.username, displayName: row.display_name, trades, open: row.open }
  }

  const replaceTrades = db.transaction((username: string, trades: readonly WorkOrderCategory[]) => {
    if (!userExists.get(username)) throw new WorkOrderError('FM_ERR_WO_INVALID', `no user "${username}"`)
    removeTrades.run(username)
    for (const trade of new Set(trades)) addTrade.run(username, trade)
  })

  const methods: Pick<Store, 'technicians' | 'setTrades'> = {
    technicians(siteId, buildingId) {
      return technicianRows
        .all({ username: null })
        .filter((row) => {
          const scope = JSON.parse(row.scope) as UserScope
          return buildingId === undefined ? scopeIncludesSite(scope, siteId) : scopeCovers(scope, siteId, buildingId)
        })
        .map(toTechnician)
    },
    setTrades(username, trades) {
      const unknown = trades.filter((trade) => !WORK_ORDER_CATEGORIES.includes(trade))
      if (unknown.length > 0) throw new WorkOrderError('FM_ERR_WO_INVALID', `no trade ${unknown.join(', ')}`)
      replaceTrades.immediate(username, trades)
      return technicianRows.all({ username }).map(toTechnician)[0]?.trades ?? [...new Set(trades)]
    },
  }

  return {
    methods,
    /** Whether `username` is an enabled technician whose scope covers the place of a work order. */
    canBeAssigned(username: string, siteId: string, buildingId: string | undefined): boolean {
      const [row] = technicianRows.all({ username })
      return row !== undefined && scopeCovers(JSON.parse(row.scope) as UserScope, siteId, buildingId)
    },
  }
}

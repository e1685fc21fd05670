import type { DeviceKind, DeviceView } from '@fm/protocol'
import type { ComponentType } from 'react'
import { PanelSummary } from '../electrical-panel/PanelSummary.tsx'
import { FirePanelSummary } from '../fire-alarm-panel/FirePanelSummary.tsx'
import { FireWaterSummary } from '../fire-water/FireWaterSummary.tsx'
import { GateSummary } from '../gate/GateSummary.tsx'
import { CheckpointSummary } from '../patrol-checkpoint/CheckpointSummary.tsx'
import { PumpSummary } from '../pump/PumpSummary.tsx'
import { RoomSummary } from '../room-environment/RoomSummary.tsx'
import { TankSummary } from '../water-tank/TankSummary.tsx'

/** The 2–4 values that matter most for each kind (DOMAIN.md §b); a new kind fails to compile until it has one. */
const SUMMARIES: Record<DeviceKind, ComponentType<{ device: DeviceView }>> = {
  'water-tank': TankSummary,
  pump: PumpSummary,
  'electrical-panel': PanelSummary,
  'fire-alarm-panel': FirePanelSummary,
  'fire-water': FireWaterSummary,
  'room-environment': RoomSummary,
  gate: GateSummary,
  'patrol-checkpoint': CheckpointSummary,
}

export function KindSummary({ device }: { device: DeviceView }) {
  const Summary = SUMMARIES[device.kind]
  return <Summary device={device} />
}

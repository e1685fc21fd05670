/**
 * Every kind of device the platform understands. The same spelling is used in topics, payloads, file names and the UI.
 */
export const DEVICE_KINDS = [
  'water-tank',
  'pump',
  'electrical-panel',
  'fire-alarm-panel',
  'fire-water',
  'room-environment',
  'gate',
  'patrol-checkpoint',
] as const

export type DeviceKind = (typeof DEVICE_KINDS)[number]

export function isDeviceKind(value: string): value is DeviceKind {
  return (DEVICE_KINDS as readonly string[]).includes(value)
}

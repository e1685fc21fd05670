/**
 * The api's device administration (`devices.manage`, within the user's scope): the devices, a new device with
 * generated MQTT credentials, new credentials for one, and revocation. Every answer that is not ok is an `ApiError`
 * with the api's code: 409 `FM_ERR_DEVICE_EXISTS`, 400 `FM_ERR_DEVICE_INVALID` or `FM_ERR_VALIDATION`, 404
 * `FM_ERR_SITE_NOT_FOUND` or `FM_ERR_DEVICE_NOT_FOUND`, 403 `FM_ERR_FORBIDDEN` or `FM_ERR_SCOPE_FORBIDDEN`.
 */
import type { DeviceCreated, DeviceCredentials, DeviceView, NewDeviceInput } from '@fm/protocol'
import { getJson, sendJson } from '../api.ts'

/**
 * A device as the administration page knows it: the `DeviceView` and, once revoked, when (epoch ms). The api does
 * not list `revokedAt` yet; the page sets it for a device it revoked, and takes the api's when it sends one.
 */
export type AdminDevice = DeviceView & { revokedAt?: number }

const enc = encodeURIComponent

/** Every device within the user's scope. */
export function fetchAdminDevices(signal?: AbortSignal): Promise<AdminDevice[]> {
  return getJson<AdminDevice[]>('/api/devices', signal)
}

/** 201: the device, and its MQTT password, which no other answer will ever show. */
export function provisionDevice(siteId: string, input: NewDeviceInput): Promise<DeviceCreated> {
  return sendJson<DeviceCreated>('POST', `/api/sites/${enc(siteId)}/devices`, input)
}

/** A new MQTT password, shown only in this answer; the old one stops working and the device is disconnected. */
export function rotateDeviceCredentials(deviceId: string): Promise<DeviceCredentials> {
  return sendJson<DeviceCredentials>('POST', `/api/devices/${enc(deviceId)}/credentials`)
}

/** 204; the device is disconnected at once and refused until its credentials are rotated. */
export function revokeDevice(deviceId: string): Promise<void> {
  return sendJson<void>('POST', `/api/devices/${enc(deviceId)}/revoke`)
}

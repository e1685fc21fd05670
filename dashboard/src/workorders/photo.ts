/**
 * Photos of a repair taken on a phone: today's cameras take 12–50 megapixel pictures of several MiB, which a
 * basement's mobile signal uploads slowly and the api refuses above `PHOTO_MAX_BYTES`. The browser scales them down
 * to `PHOTO_MAX_EDGE_PX` on their longer side and sends a JPEG: plenty to see a corroded flange or a meter's reading.
 */

/** The api's limit for one photo (`POST /api/work-orders/:id/photos`). */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024
/** The longer side of an uploaded photo, in pixels. */
export const PHOTO_MAX_EDGE_PX = 1600
/** The media types the api takes. */
export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp']
/** JPEG quality of a scaled photo: small enough for a weak signal, no visible blocks on a detail. */
export const PHOTO_JPEG_QUALITY = 0.85

/** The size to draw a `width`×`height` picture at: its longer side at most `maxEdge`, the shape kept, whole pixels. */
export function downscaleSize(
  width: number,
  height: number,
  maxEdge: number = PHOTO_MAX_EDGE_PX,
): { width: number; height: number; scaled: boolean } {
  const edge = Math.max(width, height)
  if (edge <= maxEdge || edge <= 0) return { width, height, scaled: false }
  const ratio = maxEdge / edge
  return {
    width: Math.max(1, Math.round(width * ratio)),
    height: Math.max(1, Math.round(height * ratio)),
    scaled: true,
  }
}

/** Whether a picture can go as it is: a type the api takes, under its limit, and no larger than we send. */
export function sendsAsIs(file: { type: string; size: number }, width: number, height: number): boolean {
  return PHOTO_TYPES.includes(file.type) && file.size <= PHOTO_MAX_BYTES && !downscaleSize(width, height).scaled
}

/** The photo could not be read as a picture (a HEIC file on a browser without a decoder, a broken file). */
export class PhotoReadError extends Error {
  constructor(cause: unknown) {
    super('the photo could not be read', { cause })
    this.name = 'PhotoReadError'
  }
}

/**
 * The photo to upload: `file` itself when it may go as it is, else drawn onto a canvas at `downscaleSize` and encoded
 * as JPEG. The picture is decoded with its EXIF orientation applied, so a portrait photo stays upright.
 */
export async function preparePhoto(file: Blob): Promise<Blob> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch (error) {
    throw new PhotoReadError(error)
  }
  try {
    if (sendsAsIs(file, bitmap.width, bitmap.height)) return file
    const size = downscaleSize(bitmap.width, bitmap.height)
    const canvas = document.createElement('canvas')
    canvas.width = size.width
    canvas.height = size.height
    const context = canvas.getContext('2d')
    if (!context) throw new PhotoReadError('no 2d canvas')
    context.drawImage(bitmap, 0, 0, size.width, size.height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_JPEG_QUALITY))
    if (!blob) throw new PhotoReadError('the canvas made no JPEG')
    return blob
  } finally {
    bitmap.close()
  }
}

/**
 * Chinese licence plates as an ANPR camera in Wuhan reads them: blue plates (province, city letter, five characters),
 * green new-energy plates (six characters, the first D for battery-electric or F for plug-in hybrid) and yellow plates
 * of vans and trucks. Most cars in a Wuhan compound carry 鄂A; the rest come from elsewhere in Hubei or from
 * neighbouring provinces.
 */
import type { PLATE_COLORS } from '@fm/protocol'
import { pick, pickWeighted, type Random } from '../random.ts'

export type PlateColor = (typeof PLATE_COLORS)[number]
export type VehicleType = 'car' | 'suv' | 'van' | 'truck'

export interface Vehicle {
  readonly plate: string
  readonly color: PlateColor
  readonly type: VehicleType
}

/** Plate letters never use I or O, which read as 1 and 0. */
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '0123456789'

const PROVINCES: readonly (readonly [string, number])[] = [
  ['鄂A', 80],
  ['鄂B', 2],
  ['鄂F', 2],
  ['鄂K', 3],
  ['鄂H', 2],
  ['鄂J', 2],
  ['湘A', 2],
  ['豫A', 2],
  ['赣A', 1],
  ['皖A', 1],
  ['川A', 1],
  ['粤B', 1],
  ['京N', 1],
]

function character(rand: Random, letterShare: number): string {
  const set = rand() < letterShare ? LETTERS : DIGITS
  return set[Math.floor(rand() * set.length)] ?? '0'
}

function serial(rand: Random, length: number): string {
  let text = ''
  for (let i = 0; i < length; i++) text += character(rand, 0.15)
  return text
}

export function randomPlate(rand: Random, color: PlateColor): string {
  const prefix = pickWeighted(rand, PROVINCES, '鄂A')
  // new-energy small cars: D (battery-electric) or F (hybrid), then five characters, letters rare
  if (color === 'green') return `${prefix}${pick(rand, ['D', 'D', 'D', 'F'])}${serial(rand, 5)}`
  return `${prefix}${serial(rand, 5)}`
}

export function randomVehicle(rand: Random, visitor: boolean): Vehicle {
  const color = pickWeighted<PlateColor>(
    rand,
    visitor
      ? [
          ['blue', 70],
          ['green', 20],
          ['yellow', 10],
        ]
      : [
          ['blue', 76],
          ['green', 23],
          ['yellow', 1],
        ],
    'blue',
  )
  const type =
    color === 'yellow'
      ? pick<VehicleType>(rand, ['van', 'truck'])
      : pickWeighted<VehicleType>(
          rand,
          [
            ['car', 68],
            ['suv', 28],
            ['van', 4],
          ],
          'car',
        )
  return { plate: randomPlate(rand, color), color, type }
}

/** The residents' cars: the same plates leave in the morning and come back in the evening, at every gate. */
export function createFleet(rand: Random, size: number): Vehicle[] {
  return Array.from({ length: size }, () => randomVehicle(rand, false))
}

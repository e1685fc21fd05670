/**
 * Topic filter algebra for the ACL: does one filter grant everything another one asks for?
 * Filters and topic names follow MQTT 3.1.1 §4.7; the broker has validated their syntax before they get here.
 */

const MULTI_LEVEL = '#'
const SINGLE_LEVEL = '+'

/**
 * True when every topic name that `requested` matches is also matched by `allowed`, so that granting `requested`
 * never lets a client read more than `allowed`. A topic name is a filter without wildcards, so the same check
 * authorizes a PUBLISH.
 *
 * - `#` matches any number of levels, its parent included (§4.7.1.2): `a/#` covers `a`, `a/b` and `a/#`, while
 *   `a/+` does not cover `a/#`.
 * - `+` matches exactly one level, which may be empty (§4.7.1.3).
 * - A wildcard in the first level never matches a topic that starts with `$` [MQTT-4.7.2-1], so `#` does not
 *   cover `$SYS/#`.
 */
export function filterCovers(allowed: string, requested: string): boolean {
  const grant = allowed.split('/')
  const asked = requested.split('/')
  const first = grant[0]
  if (requested.startsWith('$') && (first === MULTI_LEVEL || first === SINGLE_LEVEL)) return false
  for (let level = 0; ; level++) {
    const granted = grant[level]
    const wanted = asked[level]
    // `#` is last in a valid filter: it covers whatever the request holds from here on, or nothing (the parent)
    if (granted === MULTI_LEVEL) return true
    if (granted === undefined || wanted === undefined) return granted === wanted
    // the request reaches arbitrary depth where the grant stops at one level
    if (wanted === MULTI_LEVEL) return false
    if (granted === SINGLE_LEVEL) continue
    if (wanted === SINGLE_LEVEL || wanted !== granted) return false
  }
}

/** True when one of `allowed` covers `requested`. */
export function anyFilterCovers(allowed: readonly string[], requested: string): boolean {
  return allowed.some((filter) => filterCovers(filter, requested))
}

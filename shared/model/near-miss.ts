// Keys spelled like a key the engine reads but for case and/or a trailing `s` (DESIGN §3 "Keys",
// applied inside items too): read as absent, such a key would leave a list empty or a field unset,
// and a world-open rule or an internet route would vanish without a word.

import { isKeySeparator, withoutKeySeparators } from '../key-separators';
import { quotedKey } from '../validation';

/**
 * A key folded the way DESIGN §3 names a near miss of a top-level key: case ignored, trailing `s`
 * dropped (`IPRanges`, `IpRange`).
 */
export function foldKey(key: string): string {
  return key.toLowerCase().replace(/s+$/, '');
}

/**
 * A key folded the way a hand edit drifts further: `foldKey` with spaces, `_` and `-` dropped too
 * (`"IpPermissions "`, `Ip_Permissions`, `ip-ranges`), white space meaning the ASCII controls,
 * space and no-break space. EC2 prints no key holding one, so such a key is a misspelling of the
 * field it folds to (read as absent, a list would be empty), at the top level as inside items.
 */
export function foldKeyLoose(key: string): string {
  return foldKey(withoutKeySeparators(key));
}

/** Whether a character code is one `foldKeyLoose` drops: white space (any blank, and controls), `_`, `-`. */
const isSeparator = isKeySeparator;

/** The message for a near-miss key: the key quoted when it holds a character a path hides (a trailing space). */
export function nearMissMessage(key: string, meant: string): string {
  return /^[A-Za-z0-9]*$/.test(key)
    ? `unknown key; did you mean ${meant}?`
    : `unknown key ${quotedKey(key)}; did you mean ${meant}?`;
}

/** The key of an object spelled like a field but for case and/or trailing `s`, if there is one. */
export type NearMiss = (o: Record<string, unknown>) => string | undefined;

/**
 * True when `key` folds to `folded` (what `foldKeyLoose(key) === folded` answers), compared in
 * place: hot, it runs for keys of items that lack a field, and a fold allocates strings. A key
 * without a space, `_` or `-` (all of EC2's) is settled by its length and letters, as before such
 * keys were folded at all; only a longer key is read for them.
 */
function foldsTo(key: string, folded: string): boolean {
  let end = key.length;
  while (end > 0 && (key.charCodeAt(end - 1) | 32) === 115 /* s or S */) end--;
  if (end !== folded.length) {
    // Longer: a match must hold a separator (read apart); most keys differ in their first letter.
    if (end < folded.length) return false;
    // A character beyond the BMP (a tag character) opens with a surrogate: the fold decides.
    const c = key.charCodeAt(0);
    return (
      ((c | 32) === folded.charCodeAt(0) || isSeparator(c) || (c >= 0xd800 && c <= 0xdbff)) &&
      foldsLooselyTo(key, folded)
    );
  }
  // A field's fold is ASCII, and no other character lower-cases into ASCII but one for one.
  for (let i = 0; i < end; i++) {
    const c = key.charCodeAt(i);
    // Beyond ASCII, lower-casing may change the length: the fold itself decides.
    if (c > 127) return foldKeyLoose(key) === folded;
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== folded.charCodeAt(i)) return false;
  }
  return true;
}

/** `foldsTo` for a key longer than the fold: its separators skipped (most keys differ at once). */
function foldsLooselyTo(key: string, folded: string): boolean {
  let end = key.length;
  // The trailing run of `s` and separators (`"IpPermissions "` ends in both).
  while (end > 0) {
    const c = key.charCodeAt(end - 1);
    // A character beyond the BMP (a tag character after the key): the fold reads it whole.
    if (c >= 0xdc00 && c <= 0xdfff) return foldKeyLoose(key) === folded;
    if ((c | 32) !== 115 /* s or S */ && !isSeparator(c)) break;
    end--;
  }
  let j = 0;
  for (let i = 0; i < end; i++) {
    const c = key.charCodeAt(i);
    if (c > 127) return foldKeyLoose(key) === folded;
    if (isSeparator(c)) continue;
    if (j === folded.length || (c >= 65 && c <= 90 ? c + 32 : c) !== folded.charCodeAt(j)) return false;
    j++;
  }
  return j === folded.length;
}

/**
 * The near-miss test of one field (`"IPRanges"` for `IpRanges`). Keys the object declares are never
 * one; a key is compared only when its length could fold to the field's. No longer key is passed
 * over by its length: separators have no bound (`"IpPermissions    "`, a tag sequence of six
 * characters, twelve UTF-16 units), and `foldsTo` settles most such keys by their first letter.
 */
export function nearMissOf(field: string, declared: ReadonlySet<string>): NearMiss {
  const folded = foldKeyLoose(field);
  const min = folded.length;
  return (o) => {
    for (const key in o) {
      if (key.length < min || declared.has(key)) continue;
      if (foldsTo(key, folded)) return key;
    }
    return undefined;
  };
}

/**
 * Reports each key of `o` that is a near miss of one of `names` (and not one of them itself):
 * `gatewayId: unknown key; did you mean GatewayId?`. True when there is none. For a check that
 * found none of `names` where one was expected (a rule without a source, a route without a
 * target), so that the usual item never pays for the search.
 */
export function noMisspeltKeys(
  o: object,
  names: readonly string[],
  issue: (key: string, message: string) => void,
): boolean {
  let ok = true;
  for (const key of Object.keys(o)) {
    if (names.includes(key)) continue;
    const folded = foldKeyLoose(key);
    const meant = names.find((name) => foldKeyLoose(name) === folded);
    if (meant === undefined) continue;
    issue(key, nearMissMessage(key, meant));
    ok = false;
  }
  return ok;
}

export const ROUTE_KEYS = [
  'DestinationCidrBlock',
  'DestinationIpv6CidrBlock',
  'DestinationPrefixListId',
  'GatewayId',
  'NatGatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'EgressOnlyInternetGatewayId',
  'CarrierGatewayId',
  'LocalGatewayId',
  'CoreNetworkArn',
] as const;

/**
 * A route EC2 prints names its destination and its target. One without a known destination or
 * target whose object holds one under a near-miss spelling (`gatewayId`, `destinationCidrBlock`)
 * would be read as leading nowhere, and an internet route (an exposed interface) would vanish: an
 * error naming the key. Without such a key it is accepted as before (a target type EC2 adds later).
 */
export function routeKeysOk(
  route: Partial<Record<(typeof ROUTE_KEYS)[number], unknown>>,
  issue: (key: string, message: string) => void,
): boolean {
  // Hot-ish (every route): most routes answer at the first or second read.
  const destination =
    route.DestinationCidrBlock !== undefined ||
    route.DestinationIpv6CidrBlock !== undefined ||
    route.DestinationPrefixListId !== undefined;
  const target =
    route.GatewayId !== undefined ||
    route.NatGatewayId !== undefined ||
    route.VpcPeeringConnectionId !== undefined ||
    route.TransitGatewayId !== undefined ||
    route.NetworkInterfaceId !== undefined ||
    route.InstanceId !== undefined ||
    route.EgressOnlyInternetGatewayId !== undefined ||
    route.CarrierGatewayId !== undefined ||
    route.LocalGatewayId !== undefined ||
    route.CoreNetworkArn !== undefined;
  return (destination && target) || noMisspeltKeys(route, ROUTE_KEYS, issue);
}

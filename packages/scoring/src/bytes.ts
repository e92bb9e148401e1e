/**
 * @internal A member id as a map key: one UTF-16 code unit per byte (a
 * "binary string"), which is collision-free and much cheaper than hex.
 */
export function memberKey(id: Uint8Array): string {
  if (id.length <= 1024) return String.fromCharCode.apply(null, id as unknown as number[])
  let s = ''
  for (let i = 0; i < id.length; i += 1024) {
    s += String.fromCharCode.apply(null, id.subarray(i, i + 1024) as unknown as number[])
  }
  return s
}

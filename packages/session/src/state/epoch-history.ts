/** Who was in the group at an epoch, and when each member joined. */
export interface EpochMembership {
  members: Uint8Array[]
  joinEpochs: Map<string, bigint>
}

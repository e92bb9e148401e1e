import { DemlsError } from '@demls/wire'

/** A {@link ConversationConfig} value is out of range. */
export class InvalidConfigError extends DemlsError {
  constructor(message: string) {
    super(message, 'INVALID_CONFIG')
    this.name = 'InvalidConfigError'
  }
}

/** The operation is not allowed in the conversation's current state. */
export class ConversationBlockedError extends DemlsError {
  /** The state that blocked the operation. */
  readonly state: string

  constructor(operation: string, state: string) {
    super(`cannot ${operation} while ${state}`, 'CONVERSATION_BLOCKED')
    this.name = 'ConversationBlockedError'
    this.state = state
  }
}

/** An emergency proposal is open, so lower-priority proposals are refused. */
export class PartialFreezeError extends DemlsError {
  constructor(kind: string) {
    super(`a ${kind} proposal is refused while an emergency proposal is open`, 'PARTIAL_FREEZE')
    this.name = 'PartialFreezeError'
  }
}

/** A `ConversationSync` is structurally invalid (the reference's hard errors). */
export class InvalidSyncError extends DemlsError {
  constructor(reason: string) {
    super(`invalid conversation sync: ${reason}`, 'INVALID_SYNC')
    this.name = 'InvalidSyncError'
  }
}

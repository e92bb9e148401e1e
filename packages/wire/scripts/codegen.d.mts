// Types of scripts/codegen.mjs, for test/codegen.test.ts.

/** The .proto files, relative to proto/, in generation order. */
export declare const PROTO_FILES: readonly string[]

/** Generate the typed API (messages.ts) and the minimal typing of pb.js (pb.d.ts). */
export declare function generate(): { messagesTs: string; pbDts: string }

/** Run protobufjs-cli's pbjs and return the static module source (pb.js). */
export declare function runPbjs(): string

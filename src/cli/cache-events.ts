// The event src/api/client.ts emits on `process` just before it changes a V8 flag: V8 refuses a code
// cache made after a flag change (measured, even with the flag set back), so src/cli/code-cache.ts
// writes the caches it still owes then, not at exit. A name only: the two sides live in different bundles.
export const BEFORE_V8_FLAGS = 'mkr:before-v8-flags'

// A CommonJS package's exports from import(): Node (and tsx) give them as the namespace's default
// and as named exports; esbuild's split ES module build (scripts/build.js) only as the default; a
// CommonJS bundle only as named exports. This answers the exports object in every case.
export function cjsExports<T extends object>(namespace: T): T {
  return (namespace as {default?: T}).default ?? namespace
}

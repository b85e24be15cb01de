// undici's Agent on its own: the package entry also loads fetch, WebSocket, caches and mocks (~3× the
// load time), none of which we use. undici has no `exports` map, so the deep path is importable.
declare module 'undici/lib/dispatcher/agent.js' {
  import {Agent} from 'undici'
  export = Agent
}

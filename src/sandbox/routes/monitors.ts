import type {Router} from '../router.js'

export function registerMonitors(_r: Router): void {}

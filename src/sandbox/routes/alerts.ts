import type {Router} from '../router.js'

export function registerAlerts(_r: Router): void {}

import type {Router} from '../router.js'

export function registerAnnotations(_r: Router): void {}

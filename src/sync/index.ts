/**
 * The sync sub-action's entry point (`sync/action.yml` → `dist/sync/index.js`): one step, no post
 * step.
 */
import { run } from './main.js'

await run()

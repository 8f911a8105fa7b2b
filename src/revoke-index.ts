/** The revoke action's entry point (`revoke/action.yml` → `dist/revoke/index.js`). */
import { run } from './revoke-main.js'

await run()

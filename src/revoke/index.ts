/** The revoke action's entry point (`revoke/action.yml` → `dist/revoke/index.js`). */
import { run } from './main.js'

await run()

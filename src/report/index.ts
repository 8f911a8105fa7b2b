/**
 * The report sub-action's entry point (`report/action.yml` → `dist/report/index.js`): one step,
 * no post step.
 */
import { run } from './main.js'

await run()

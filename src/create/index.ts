/**
 * The action's entry point (`action.yml` → `dist/index.js`), for both of its steps: the main step,
 * and the post step that removes the profiles it wrote (cleanup.ts).
 */
import { runPost } from '../runner/cleanup.js'
import { isPostPhase } from '../runner/phase.js'
import { run } from './main.js'

await (isPostPhase() ? runPost() : run())

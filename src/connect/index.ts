/**
 * The connect action's entry point (`connect/action.yml` → `dist/connect/index.js`), for both of
 * its steps: the main step connects, the post step disconnects and cleans up (post.ts).
 */
import { isPostPhase } from '../runner/phase.js'
import { run } from './main.js'
import { runConnectPost } from './post.js'

await (isPostPhase() ? runConnectPost() : run())

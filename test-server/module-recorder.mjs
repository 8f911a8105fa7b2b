// Preloaded with `node --import` (NODE_OPTIONS) by end-to-end tests that check which files of a
// bundle a run loads: registers module-recorder-hooks.mjs, which appends the URL of every file the
// process loads as an ES module (the bundle, and each chunk file it `import()`s) to the file named
// by RECORD_MODULES_TO, one per line. Nothing is recorded without that variable.
import { register } from 'node:module'

const file = process.env.RECORD_MODULES_TO
if (file) register('./module-recorder-hooks.mjs', import.meta.url, { data: { file } })

/**
 * The in-process tests' run dispatcher: an undici MockAgent whose `destroy` (which every step calls
 * at its end) is counted instead of closing the mock, so a test can check it happened.
 */
import { MockAgent } from 'undici'

export class RunAgent extends MockAgent {
  destroyed = 0
  override destroy(): Promise<void> {
    this.destroyed++
    return Promise.resolve()
  }
}

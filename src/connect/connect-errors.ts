/**
 * The connect action's own expected failures (errors.ts holds those every action shares): the
 * runner cannot run OpenVPN, or OpenVPN did not bring the tunnel up. Each message is one line that
 * says what happened and what to do.
 */
import { ExpectedFailure } from '../core/errors.js'

/** This runner cannot run OpenVPN: not Linux, no tun device, no root or sudo, no OpenVPN. */
export class RunnerError extends ExpectedFailure {
  override readonly name = 'RunnerError'
}

/** OpenVPN started but the tunnel did not come up: the reason from OpenVPN's own log. */
export class ConnectFailure extends ExpectedFailure {
  override readonly name = 'ConnectFailure'

  /** @param lastLines OpenVPN's last log lines (redacted), for the debug log */
  constructor(
    message: string,
    readonly lastLines: readonly string[]
  ) {
    super(message)
  }
}

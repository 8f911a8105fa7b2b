/**
 * What encrypted delivery reads of an action's settings (deliver.ts `prepareDelivery`): the
 * targets and their recipients, and where `github:` recipients' keys are read.
 */
import type { DeliveryTarget } from '../certificates/requests.js'

export interface DeliverySettings {
  targets: readonly DeliveryTarget[]
  /**
   * Where `github:` recipients' keys are read: GITHUB_API_URL, and `github-token` (masked; none:
   * anonymous requests, which GitHub limits to 60 an hour). Absent when no recipient is one.
   */
  github?: { apiUrl: string; token: string | undefined } | undefined
}

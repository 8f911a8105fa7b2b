/**
 * Redelivery: the profile of a certificate that exists already, written again from its key
 * material (DescribeSslVpnClientCert, the call that waits for a new certificate), the way a new
 * certificate's profile is written (onboarding.ts `writeCertificateProfile`: the same file name,
 * mode 0600, and only `<name>.ovpn.age` when the target has recipients). It creates nothing, sends
 * no ClientToken and changes nothing on the gateway, so it may be repeated at will: each time the
 * same certificate's profile is written again. One certificate at a time; a failure on one does
 * not stop the others; a cancellation stops everything at once.
 */
import { CancelledError, DeadlineError, InputError } from '../core/errors.js'
import { profileFileName } from './profile.js'
import { quote } from '../core/input-rules.js'
import {
  writeCertificateProfile,
  type OnboardingDependencies,
  type SealedKey
} from './onboarding.js'
import type { DeliveryTarget } from './requests.js'
import type { VpcClient } from '../alibaba/vpc-client.js'

/** One profile to write again: the target (its name and recipients) and which certificate. */
export interface Redelivery {
  target: DeliveryTarget & { name: string }
  certId: string
}

interface RedeliveredProfile {
  ok: true
  name: string
  certId: string
  /** The certificate's Status as DescribeSslVpnClientCert answered it. */
  status: string
  configFile: string
  /** When written encrypted (`.ovpn.age`): the keys it was encrypted to. */
  encryptedTo: SealedKey[] | undefined
}

interface FailedRedelivery {
  ok: false
  name: string
  certId: string
  error: Error
}

export type RedeliveryOutcome = RedeliveredProfile | FailedRedelivery

type RedeliveryDependencies = Pick<
  OnboardingDependencies,
  'log' | 'mask' | 'writeFile' | 'sealerFor'
>

async function redeliverOne(
  { target, certId }: Redelivery,
  configDir: string,
  vpc: VpcClient,
  deps: RedeliveryDependencies
): Promise<RedeliveredProfile> {
  // Before the key material is fetched: a recipient without a usable key fails the name here.
  const sealer = await deps.sealerFor?.(target)
  const fileName = profileFileName(target.name, certId)
  if (fileName === undefined) {
    // A roster name always names a file (the same rule); this guards another caller.
    throw new InputError(
      'redeliver',
      `${quote(target.name)} cannot name a profile file; expected 2 to 128 letters, digits, ".", "_" and "-", starting with a letter.`
    )
  }
  // A usable certificate answers at once; the call checks the answer is of this ID, masks the
  // key material as it arrives, and refuses an expired one.
  const material = await vpc.waitUntilReady(certId)
  const { configFile, encryptedTo } = await writeCertificateProfile(
    { configDir, fileName, keyPassphrase: undefined, sealer },
    material,
    deps
  )
  return { ok: true, name: target.name, certId, status: material.status, configFile, encryptedTo }
}

/**
 * Writes the profile of each certificate in `redeliveries` again into `configDir`, in order, each
 * log line prefixed with its name. Every outcome is pushed onto `outcomes` as soon as it is known;
 * a cancellation is thrown after its name's outcome is pushed.
 */
export async function redeliverProfiles(
  redeliveries: readonly Redelivery[],
  configDir: string,
  vpc: VpcClient,
  deps: RedeliveryDependencies,
  outcomes: RedeliveryOutcome[] = []
): Promise<RedeliveryOutcome[]> {
  for (const redelivery of redeliveries) {
    const { name } = redelivery.target
    const { certId } = redelivery
    if (vpc.timeLeftMs() <= 0) {
      outcomes.push({
        ok: false,
        name,
        certId,
        error: new DeadlineError(
          'not attempted: timeout-seconds reached',
          new Error('not attempted'),
          0
        )
      })
      continue
    }
    const prefix = `${name}: `
    const log = (line: string) => deps.log(prefix + line)
    log(`Writing the profile of ${certId} again (redeliver); nothing is created.`)
    try {
      outcomes.push(
        await redeliverOne(redelivery, configDir, vpc.withLogPrefix(prefix), { ...deps, log })
      )
    } catch (error) {
      if (!(error instanceof Error)) throw error
      outcomes.push({ ok: false, name, certId, error })
      if (error instanceof CancelledError) throw error
      log(`The profile was not written: ${error.message}`)
    }
  }
  return outcomes
}

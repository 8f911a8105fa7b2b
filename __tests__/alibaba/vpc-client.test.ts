/**
 * The facade (vpc-client.ts): the one deadline, and a client whose log lines carry a prefix. Each
 * operation has its own file: vpc-create, vpc-listing, vpc-details, vpc-delete.
 */
import { describe, expect, test } from '@jest/globals'
import { vpcEndpoint, BUSY, CERTIFICATE, CREATED, START } from '../../__fixtures__/vpc-endpoint.js'

const { run, serve, client } = vpcEndpoint()

describe('the client', () => {
  test('timeLeftMs counts down on the run’s clock to the one deadline', () => {
    const vpc = client({ deadline: START + 1_000 })
    expect(vpc.timeLeftMs()).toBe(1_000)
    run().clock.advance(1_250)
    expect(vpc.timeLeftMs()).toBe(-250)
  })

  test('withLogPrefix: the same client, each line it logs prefixed; the original unchanged', async () => {
    serve(n => (n === 1 || n === 3 ? BUSY : CREATED))
    const vpc = client()
    await vpc.withLogPrefix('[2/3] ci-cert: ').createCertificate(CERTIFICATE)
    await vpc.createCertificate(CERTIFICATE)
    expect(run().logLines).toEqual([
      expect.stringMatching(/^\[2\/3\] ci-cert: Attempt 1: VpnGateway\.Configuring/),
      expect.stringMatching(/^Attempt 1: VpnGateway\.Configuring/)
    ])
  })
})

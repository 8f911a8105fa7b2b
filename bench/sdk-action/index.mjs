// The same action written on the official SDK (@alicloud/vpc20160428 + @alicloud/openapi-core), for
// the cold-start comparison in bench/cold-start.mjs only: bundled with ncc at bench time, never
// shipped. It does what dist/index.js does on the happy path (inputs, masking, one ClientToken,
// CreateSslVpnClientCert signed ACS3-HMAC-SHA256, retry while the gateway is Configuring, outputs),
// written the way the SDK's own samples do it.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import Vpc, * as $Vpc from '@alicloud/vpc20160428'
import { $OpenApiUtil } from '@alicloud/openapi-core'

// ncc turns the CommonJS `exports.default` into the namespace's default (sometimes nested).
const VpcClient = Vpc.default ?? Vpc

async function run() {
  const accessKeyId = core.getInput('access-key-id') || process.env.ALIBABA_CLOUD_ACCESS_KEY_ID
  const accessKeySecret =
    core.getInput('access-key-secret') || process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET
  const securityToken = core.getInput('security-token') || process.env.ALIBABA_CLOUD_SECURITY_TOKEN
  for (const secret of [accessKeyId, accessKeySecret, securityToken])
    if (secret) core.setSecret(secret)
  const regionId = core.getInput('region-id', { required: true })
  const endpoint = core.getInput('endpoint') || `vpc.${regionId}.aliyuncs.com`
  const timeoutMs = Number(core.getInput('timeout-seconds') || '300') * 1000
  const clientToken = core.getInput('client-token') || randomUUID()
  core.setOutput('client-token', clientToken)

  const client = new VpcClient(
    new $OpenApiUtil.Config({
      accessKeyId,
      accessKeySecret,
      ...(securityToken ? { securityToken } : {}),
      regionId,
      endpoint: endpoint.replace(/^https:\/\//, ''),
      protocol: 'https',
      readTimeout: 10_000,
      connectTimeout: 10_000
    })
  )
  const request = new $Vpc.CreateSslVpnClientCertRequest({
    regionId,
    sslVpnServerId: core.getInput('ssl-vpn-server-id', { required: true }),
    clientToken,
    ...(core.getInput('name') ? { name: core.getInput('name') } : {})
  })

  const deadline = Date.now() + timeoutMs
  for (let attempt = 1; ; attempt++) {
    try {
      const { body } = await client.createSslVpnClientCert(request)
      core.setOutput('cert-id', body.sslVpnClientCertId)
      core.setOutput('name', body.name)
      core.setOutput('request-id', body.requestId)
      core.info(`Certificate ${body.sslVpnClientCertId} after ${attempt} attempt(s).`)
      return
    } catch (error) {
      if (error?.code !== 'VpnGateway.Configuring' || Date.now() >= deadline) throw error
      const delay = Math.min(5000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
      core.info(`Attempt ${attempt}: ${error.code}; retrying in ${(delay / 1000).toFixed(1)} s.`)
      await sleep(Math.min(delay, deadline - Date.now()))
    }
  }
}

run().catch(error => core.setFailed(`${error?.code ?? ''} ${error?.message ?? error}`.trim()))

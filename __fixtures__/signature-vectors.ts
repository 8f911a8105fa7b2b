/**
 * The official signature test vectors (shared/reference/alibaba-cloud-api.md §1 and §2), as data.
 */

/** V3 ACS3-HMAC-SHA256: "Request syntax and signature method V3". Matches only with POST. */
export const V3_VECTORS = [
  {
    title: 'RunInstances on ECS (official V3 example)',
    credentials: { accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret' },
    request: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      action: 'RunInstances',
      version: '2014-05-26',
      params: {
        ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd',
        RegionId: 'cn-shanghai'
      }
    },
    date: '2023-10-26T10:22:32Z',
    nonce: '3156853299f313e23d1673dc12e1703d',
    signedHeaders:
      'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
    canonicalRequestSha256: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
  }
] as const

/** V1 HMAC-SHA1: ECS "Request signatures" example (method GET, Format XML). */
export const V1_VECTORS = [
  {
    title: 'DescribeRegions on ECS (official V1 example)',
    method: 'GET',
    secret: 'testsecret',
    params: {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26'
    },
    stringToSign:
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='
  }
] as const

/** Types for github-stand-in.mjs: the GitHub REST issue and user-key endpoints, on loopback. */

export interface GitHubIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
  /** Comment bodies, oldest first. */
  comments: string[]
  /** A pull request (GitHub lists them among issues). */
  pullRequest: boolean
  /** Who opened it (the answer's `user`). */
  author: GitHubUser
}

/** An issue's author as GitHub's answers show it: a person ('User') or an app ('Bot'). */
export interface GitHubUser {
  login: string
  type: 'User' | 'Bot'
}

export interface GitHubRequest {
  method: string
  path: string
  query: Record<string, string>
  /** The JSON body of a write. */
  body?: Record<string, unknown>
  /** The status answered. */
  status: number
}

/**
 * GitHub's rate limit on `GET /users/{username}/keys`: the first `after` requests are answered,
 * every later one is refused: 403 with `x-ratelimit-remaining: 0` (the primary limit, the default)
 * or 429 with `retry-after` (a secondary limit).
 */
export interface KeysRateLimit {
  after: number
  status?: 403 | 429 | undefined
}

export interface GitHubStandInOptions {
  /** The token the action must present. Default 'ghs_standin_token_0001'. */
  token?: string | undefined
  /** 'owner/name'. Default 'acme/vpn-admin'. */
  repository?: string | undefined
  /** Issues present from the start, numbered from 1. */
  issues?:
    | readonly {
        title: string
        body?: string
        state?: 'open' | 'closed'
        labels?: readonly string[]
        comments?: readonly string[]
        pullRequest?: boolean
        /** Default `tokenUser`: a person's issue names a person, e.g. { login: 'alice', type: 'User' }. */
        author?: GitHubUser
      }[]
    | undefined
  /** Whom the token stands for: the author of the issues it opens. Default github-actions[bot] (a Bot). */
  tokenUser?: GitHubUser | undefined
  /** Answer every write with 403 "Resource not accessible by integration". Default false. */
  forbidden?: boolean | undefined
  /**
   * Users and their public SSH keys, one OpenSSH public key line each (a comment is dropped from
   * the answer, as GitHub drops it). A user not here is a 404; `[]` is a user with no keys.
   */
  users?: Readonly<Record<string, readonly string[]>> | undefined
  /** The keys endpoint's rate limit, from the start. Default none. */
  keysRateLimit?: KeysRateLimit | undefined
  port?: number | undefined
}

export interface GitHubStandIn {
  /** For GITHUB_API_URL: 'https://127.0.0.1:PORT'. */
  url: string
  token: string
  repository: string
  /** Every issue (live array). */
  readonly issues: GitHubIssue[]
  /** Every request (live array). */
  readonly requests: GitHubRequest[]
  setForbidden(value: boolean): void
  /** Sets a user's keys (undefined: the user no longer exists). */
  setUserKeys(login: string, keys: readonly string[] | undefined): void
  /** Sets (undefined: lifts) the keys endpoint's rate limit; its count starts again. */
  setKeysRateLimit(limit: KeysRateLimit | undefined): void
  close(): Promise<void>
}

export function startGitHubStandIn(options?: GitHubStandInOptions): Promise<GitHubStandIn>

// See ../index.js: only ever constructed next to HttpClient, which refuses first.
export class BearerCredentialHandler {
  constructor(token) {
    this.token = token
  }
}

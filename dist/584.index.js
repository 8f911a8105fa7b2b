export const id = 584;
export const ids = [584];
export const modules = {

/***/ 6584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createCommentClient: () => (/* binding */ createCommentClient),
/* harmony export */   createIssueClient: () => (/* binding */ createIssueClient),
/* harmony export */   createOctokit: () => (/* binding */ createOctokit),
/* harmony export */   readOctokitFailure: () => (/* binding */ readOctokitFailure)
/* harmony export */ });
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _core_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2020);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4296);
/* harmony import */ var _http_transport_error_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4098);




/** The operation's name in deadline errors. */
const GITHUB_OPERATION = 'The GitHub API request';
/** Issues per listing page: GitHub's largest. */
const PER_PAGE = 100;
/** The most listing pages read: more open issues with one label than this is not a report's. */
const MAX_PAGES = 10;
/** The most of one answer that is read: a page of 100 issues of 64 KB each, and room. */
const MAX_GITHUB_ANSWER_BYTES = 8 * 1024 * 1024;
/**
 * @actions/github (its Octokit class and options, `getOctokit` without the requirement of a
 * token), loaded when the first GitHub request is about to be made rather than when the action
 * starts: as it loads it reads the proxy variables and GITHUB_API_URL itself, and a value it
 * cannot parse makes it throw with the whole value (a proxy password, say) in Node's crash output.
 * By now proxy.ts and the inputs have checked those values and masked any secret in them.
 * ("eager": the module stays in the bundle file that imports this one; only its evaluation waits.)
 */
async function loadGitHub(redact) {
    try {
        return await Promise.resolve(/* import() eager */).then(__webpack_require__.bind(__webpack_require__, 2413));
    }
    catch (error) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitHubError */ .y_(0, `The GitHub client could not start (${redact(error instanceof Error ? error.message : String(error))}): check the proxy variables (https_proxy, HTTPS_PROXY) and GITHUB_API_URL.`);
    }
}
/**
 * An Octokit for `settings.apiUrl`, every request through {@link fetchThrough} (the run's
 * dispatcher, deadline and cancellation, answers read whole and bounded), with the token, or none.
 * It logs nothing: failures become the action's own errors where the requests are made.
 */
async function createOctokit(parameters) {
    const { settings } = parameters;
    const github = await loadGitHub(parameters.rpc.redact);
    const silent = () => undefined;
    const options = {
        baseUrl: settings.apiUrl,
        request: { fetch: fetchThrough(parameters) },
        log: { debug: silent, info: silent, warn: silent, error: silent }
    };
    // As getOctokit does, which insists on a token.
    return new github.GitHub(settings.token === undefined ? options : github.getOctokitOptions(settings.token, options));
}
async function createIssueClient(parameters) {
    const { settings } = parameters;
    const octokit = await createOctokit(parameters);
    const call = (what, request) => request().catch((error) => {
        throw gitHubFailure(error, what, parameters);
    });
    const { owner, repo, label } = settings;
    return {
        listOpenIssues: () => listOpenIssues(octokit, settings, call),
        createIssue: async (title, body) => {
            const { data } = await call('open the tracking issue', () => octokit.rest.issues.create({ owner, repo, title, body, labels: [label] }));
            return checkedIssue(data, 'the new issue');
        },
        updateIssue: async (issueNumber, { title, body }) => {
            await call(`update issue #${issueNumber}`, () => octokit.rest.issues.update({ owner, repo, issue_number: issueNumber, title, body }));
        },
        closeIssue: async (issueNumber, reason) => {
            await call(`close issue #${issueNumber}`, () => octokit.rest.issues.update({
                owner,
                repo,
                issue_number: issueNumber,
                state: 'closed',
                state_reason: reason
            }));
        },
        addComment: async (issueNumber, body) => {
            await call(`comment on issue #${issueNumber}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }));
        }
    };
}
/**
 * A client for the comments of issue or pull request `issueNumber`: built like
 * {@link createIssueClient}, through the same fetch, bounds and error hints. Pages are asked for
 * by number, never by the `Link` URLs of the answer.
 */
async function createCommentClient(parameters) {
    const { settings, issueNumber } = parameters;
    const octokit = await createOctokit(parameters);
    const call = (what, request) => request().catch((error) => {
        throw gitHubFailure(error, what, parameters);
    });
    const { owner, repo } = settings;
    return {
        listComments: async () => {
            const found = [];
            for (let page = 1;; page++) {
                const { data, headers } = await call(`list the comments of #${issueNumber}`, () => octokit.rest.issues.listComments({
                    owner,
                    repo,
                    issue_number: issueNumber,
                    per_page: PER_PAGE,
                    page
                }));
                if (!Array.isArray(data))
                    throw unexpectedGitHubAnswer('the comment listing', 'is not a list');
                data.forEach((item, index) => {
                    const comment = item;
                    const id = comment?.id;
                    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
                        throw unexpectedGitHubAnswer(`comment [${index}] of page ${page}`, 'has no comment ID');
                    }
                    const body = typeof comment?.body === 'string' ? comment.body : '';
                    found.push({ id, body });
                });
                if (!/\brel="next"/.test(String(headers.link ?? '')) || page >= MAX_PAGES)
                    break;
            }
            return found;
        },
        createComment: async (body) => {
            await call(`comment on #${issueNumber}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }));
        },
        updateComment: async (commentId, body) => {
            await call(`update comment ${commentId} on #${issueNumber}`, () => octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body }));
        }
    };
}
/**
 * The open issues with the label, page by page: the pages are asked for by number, never by the
 * `Link` URLs the answer carries (they would take the token wherever they point); `Link` only says
 * whether there is a next page. An issue without the label, or not open, is left alone whatever
 * the listing says, so the report never closes or edits anyone else's issue.
 */
async function listOpenIssues(octokit, { owner, repo, label }, call) {
    const found = new Map();
    const what = `list the open issues labelled ${JSON.stringify(label)}`;
    for (let page = 1;; page++) {
        const { data, headers } = await call(what, () => octokit.rest.issues.listForRepo({
            owner,
            repo,
            labels: label,
            state: 'open',
            per_page: PER_PAGE,
            page
        }));
        if (!Array.isArray(data))
            throw unexpectedGitHubAnswer('the issue listing', 'is not a list');
        data.forEach((item, index) => {
            const issue = checkedIssue(item, `issue [${index}] of page ${page}`);
            const record = item;
            const open = record['state'] === 'open';
            const pullRequest = record['pull_request'] !== undefined && record['pull_request'] !== null;
            if (open && !pullRequest && issue.labels.includes(label))
                found.set(issue.number, issue);
        });
        if (!/\brel="next"/.test(String(headers.link ?? '')))
            break;
        if (page >= MAX_PAGES) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitHubError */ .y_(0, `More than ${MAX_PAGES * PER_PAGE} open issues carry the label ${JSON.stringify(label)}; the report keeps one. Close the others, or give the report its own issue-label.`);
        }
    }
    return [...found.values()].sort((a, b) => a.number - b.number);
}
function unexpectedGitHubAnswer(what, problem) {
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitHubError */ .y_(0, `Unexpected answer from the GitHub API: ${what} ${problem}. Something other than GitHub answered, or changed the answer on its way (a proxy?); the answer was not used.`);
}
/** A well-formed issue page URL, else undefined. */
function issueUrl(value) {
    return typeof value === 'string' && /^https:\/\/[\x21-\x7e]{1,500}$/.test(value)
        ? value
        : undefined;
}
/** An issue from an answer, checked: a positive whole number, text title and body, label names. */
function checkedIssue(value, what) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw unexpectedGitHubAnswer(what, 'is not an object');
    }
    const issue = value;
    const number = issue['number'];
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
        throw unexpectedGitHubAnswer(what, 'has no issue number');
    }
    const { title, body, labels } = issue;
    if (typeof title !== 'string' || !(typeof body === 'string' || body == null)) {
        throw unexpectedGitHubAnswer(what, 'has a title or body that is not text');
    }
    const names = Array.isArray(labels)
        ? labels.map(l => (typeof l === 'string' ? l : l?.name))
        : undefined;
    if (names === undefined || !names.every((n) => typeof n === 'string')) {
        throw unexpectedGitHubAnswer(what, 'has labels that are not a list of names');
    }
    return { number, title, body: body ?? '', labels: names, url: issueUrl(issue['html_url']) };
}
/**
 * The `fetch` Octokit is given: undici's, through the run's dispatcher, each request within what
 * is left of the deadline (and the policy's attempt timeout) and the run's cancellation, its
 * answer read whole (at most MAX_GITHUB_ANSWER_BYTES) before it is handed over, so that the
 * timeout covers the body too and a failure is the action's own error.
 */
function fetchThrough({ rpc, deadline, settings }) {
    const origin = new URL(settings.apiUrl).origin;
    const through = async (input, init) => {
        if (rpc.signal?.aborted)
            throw cancelled(rpc.signal);
        const timeoutMs = Math.min(rpc.policy.attemptTimeoutMs, deadline - rpc.now());
        if (timeoutMs <= 0) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DeadlineError */ .j3('no time left', new Error('not sent'), 0, `${GITHUB_OPERATION} to ${origin}`);
        }
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = rpc.signal ? AbortSignal.any([rpc.signal, timeout]) : timeout;
        try {
            const response = await (0,undici__WEBPACK_IMPORTED_MODULE_0__.fetch)(String(input instanceof Request ? input.url : input), {
                method: init?.method ?? 'GET',
                headers: init?.headers,
                body: (init?.body ?? null),
                dispatcher: rpc.dispatcher,
                signal
            });
            const body = await readBounded(response);
            if (response.status >= 400) {
                return errorAnswerForOctokit(response, body);
            }
            return new undici__WEBPACK_IMPORTED_MODULE_0__.Response(body, {
                status: response.status,
                statusText: response.statusText,
                headers: response.headers
            });
        }
        catch (error) {
            if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ExpectedFailure */ .Hb)
                throw error;
            throw (0,_http_transport_error_js__WEBPACK_IMPORTED_MODULE_3__/* .toTransportError */ .f)(error, timeout.aborted, {
                origin,
                timeoutMs,
                redact: rpc.redact,
                target: `the GitHub API at ${settings.apiUrl}`,
                ...(rpc.signal ? { signal: rpc.signal } : {})
            });
        }
    };
    return through;
}
function cancelled(signal) {
    return signal.reason instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .CancelledError */ .cc ? signal.reason : new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .CancelledError */ .cc('cancelled');
}
/**
 * An error answer (HTTP 400 and up) as Octokit is handed it: its status and headers, and for a
 * body only what {@link readOctokitFailure} reads of it, a text `message`, as a JSON object (an
 * empty one when the answer had none). Octokit turns an error answer's body into its error's
 * message, and answers it does not foresee make it throw an error of its own instead, which would
 * be reported as a bug of the action: a JSON number too large for a double (it parses it as a
 * BigInt, then cannot print it), the same in an `errors` entry, a body that is not JSON. Handed
 * this, it always makes its HttpError, with the status the action's hint depends on.
 */
function errorAnswerForOctokit(response, body) {
    let message;
    try {
        message = JSON.parse(body.toString('utf8'))?.message;
    }
    catch {
        message = undefined;
    }
    const headers = new undici__WEBPACK_IMPORTED_MODULE_0__.Headers(response.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new undici__WEBPACK_IMPORTED_MODULE_0__.Response(JSON.stringify(typeof message === 'string' ? { message } : {}), {
        status: response.status,
        statusText: response.statusText,
        headers
    });
}
/** The answer's body, at most MAX_GITHUB_ANSWER_BYTES of it, else a GitHubError. */
async function readBounded(response) {
    const chunks = [];
    let bytes = 0;
    if (response.body === null)
        return Buffer.alloc(0);
    for await (const chunk of response.body) {
        bytes += chunk.length;
        if (bytes > MAX_GITHUB_ANSWER_BYTES) {
            await response.body.cancel().catch(() => undefined);
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitHubError */ .y_(0, `The GitHub API answered more than ${MAX_GITHUB_ANSWER_BYTES / 1024 / 1024} MiB (HTTP ${response.status}); it was not read further.`);
        }
        chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
}
function isOctokitHttpError(error) {
    return (error instanceof Error &&
        error.name === 'HttpError' &&
        typeof error.status === 'number');
}
/**
 * What a failed Octokit request was: the transport, deadline or cancellation error the `fetch`
 * above threw (Octokit wraps it) as `own`, an error answer as `answer`, or anything else (a bug)
 * as `other`, to be thrown as it is.
 */
function readOctokitFailure(error, redact) {
    const cause = error?.cause;
    if (cause instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ExpectedFailure */ .Hb)
        return { kind: 'own', error: cause };
    if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ExpectedFailure */ .Hb)
        return { kind: 'own', error };
    if (!isOctokitHttpError(error) || !error.response)
        return { kind: 'other', error };
    const { status, response } = error;
    const data = response.data;
    const said = typeof data?.message === 'string' ? (0,_core_text_js__WEBPACK_IMPORTED_MODULE_1__/* .shownAnswerText */ .Nv)(data.message, redact) : '';
    const rateLimited = status === 429 || response.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said);
    return { kind: 'answer', answer: { status, said, rateLimited } };
}
/**
 * The action's error for a failed request: the transport, deadline or cancellation error the
 * `fetch` above threw (Octokit wraps it), or a {@link GitHubError} for an error answer, with what
 * to do. Anything else is a bug and stays as it is.
 */
function gitHubFailure(error, what, { rpc, settings }) {
    const failure = readOctokitFailure(error, rpc.redact);
    if (failure.kind !== 'answer')
        return failure.error;
    const { status, said, rateLimited } = failure.answer;
    const refused = `GitHub refused to ${what} (HTTP ${status}${said ? `: ${said}` : ''})`;
    const repository = `${settings.owner}/${settings.repo}`;
    const hint = status === 401
        ? 'github-token was not accepted: pass a valid token, usually secrets.GITHUB_TOKEN.'
        : (status === 403 || status === 429) && rateLimited
            ? "GitHub's API rate limit was reached: re-run later."
            : status === 403
                ? 'The token may not write issues in this repository: give the job `permissions: issues: write` (with secrets.GITHUB_TOKEN), or pass a token that can.'
                : status === 404
                    ? `${repository} was not found at ${settings.apiUrl}, or the token cannot see it.`
                    : status === 410
                        ? `Issues are disabled in ${repository}: enable them, or leave github-token empty.`
                        : status >= 500
                            ? 'A passing fault of GitHub, most likely: re-run.'
                            : undefined;
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitHubError */ .y_(status, hint ? `${refused}. ${hint}` : `${refused}.`);
}


/***/ })

};

//# sourceMappingURL=584.index.js.map
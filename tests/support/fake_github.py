"""A stateful fake of GitHub's REST API on 127.0.0.1, for the real PyGithub client.

It keeps pull requests, issue comments, reviews, review comments, check runs and statuses;
paginates lists with real `Link` headers; enforces what GitHub enforces (review comments only
on RIGHT lines inside the diff's hunks as GitHub computed them, body sizes, who may edit what,
check runs only from GitHub Apps, read-only tokens); and checks every request and response
against GitHub's OpenAPI description (`github_contract.py`). Anything GitHub would reject, or
any response that breaks the contract, is recorded in `violations` and fails the test.

Faults can be injected per operation: a 5xx before or after the write happened, a secondary
rate limit with Retry-After, and a response held until the client has given up.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.github_contract import Contract, Operation, event_template, observed_review_422

DOCS = "https://docs.github.com/rest"
INSTALLATION_PREFIX = "ghs_"
Response = tuple[int, Any, dict[str, str]]


@dataclass(frozen=True)
class Account:
    login: str
    id: int
    type: str = "User"


BOT = Account("github-actions[bot]", 41898282, "Bot")
OTHER_BOT = Account("renovate[bot]", 29139614, "Bot")
MAINTAINER = Account("octo-maintainer", 1001)
PR_AUTHOR = Account("pr-author", 2002)
TOKEN = "ghs_installationTokenForTests0001"
READ_ONLY_TOKEN = "ghs_readOnlyForkToken0000000001"
PAT = "ghp_personalAccessTokenForTests01"


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    kind: str
    """error (nothing happens), error_after (the write happens, the response is lost),
    rate_limit (403 secondary limit with Retry-After), timeout (the write happens, the
    response comes after the client gave up)."""
    status: int = 502
    retry_after: int = 7
    times: int = 1
    hold: float = 3.0


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    status: int
    body: Any = None


@dataclass
class FakePull:
    number: int
    base_sha: str
    head_sha: str
    files: list[dict[str, Any]]
    commits: list[str]
    base_ref: str = "main"
    head_ref: str = "feature"
    head_repo: str | None = None
    state: str = "open"


@dataclass
class FakeGitHub:
    repository: str = "octo-org/octo-repo"
    contract: Contract = field(default_factory=Contract)
    tokens: dict[str, Account] = field(
        default_factory=lambda: {TOKEN: BOT, READ_ONLY_TOKEN: BOT, PAT: MAINTAINER, "ghs_otherApp": OTHER_BOT}
    )
    read_only: set[str] = field(default_factory=lambda: {READ_ONLY_TOKEN})
    pulls: dict[int, FakePull] = field(default_factory=dict)
    issue_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    review_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    annotations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._serve(self)

            do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- test setup and inspection ---------------------------------------------------------

    def add_pull(self, pull: FakePull) -> FakePull:
        with self._lock:
            self.pulls[pull.number] = pull
            self.issue_comments.setdefault(pull.number, [])
            self.review_comments.setdefault(pull.number, [])
            self.reviews.setdefault(pull.number, [])
        return pull

    def inject(self, method: str, path: str, kind: str, **options: Any) -> Fault:
        if kind == "rate_limit":
            options.setdefault("status", 403)
        fault = Fault(method, re.compile(path), kind, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def add_issue_comment(self, number: int, body: str, author: Account) -> dict[str, Any]:
        with self._lock:
            return self._new_issue_comment(number, body, author)

    def add_review_comment(self, number: int, path: str, line: int, body: str, author: Account) -> dict[str, Any]:
        with self._lock:
            pull = self.pulls[number]
            review = self._new_review(pull, author, "", "COMMENTED", pull.head_sha)
            return self._new_review_comment(pull, review, {"path": path, "line": line, "body": body}, author)

    def requests(self, method: str | None = None, contains: str = "") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if (method is None or c.method == method) and contains in c.path]

    def sticky_comments(self, number: int, marker: str) -> list[dict[str, Any]]:
        return [c for c in self.issue_comments[number] if c["body"].startswith(marker) and c["user"]["type"] == "Bot"]

    # --- HTTP --------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        method = handler.command
        split = urlsplit(handler.path)
        path, query = split.path, dict(parse_qsl(split.query))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        status, payload, headers, hold = self._respond(method, path, query, body, handler.headers.get("Authorization"))
        if hold:
            self._release.wait(hold)
        data = b"" if payload is None else json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _respond(
        self, method: str, path: str, query: dict[str, str], body: Any, authorization: str | None
    ) -> tuple[int, Any, dict[str, str], float]:
        with self._lock:
            operation = self.contract.match(method, path)
            account, token = self._account(authorization)
            hold = 0.0
            if operation is None:
                self.violations.append(f"{method} {path}: not an operation of GitHub's REST contract")
                status, payload, headers = 404, {"message": "Not Found", "documentation_url": DOCS}, {}
            elif account is None:
                status, payload, headers = 401, {"message": "Bad credentials", "documentation_url": DOCS}, {}
            else:
                problems = self.contract.request_problems(operation, query, body)
                if problems:
                    self.violations.append(f"{method} {path}: GitHub would reject the request: {problems}")
                    status, payload, headers = 422, {"message": "Invalid request.", "documentation_url": DOCS}, {}
                else:
                    status, payload, headers, hold = self._with_faults(
                        operation, method, path, query, body, account, token
                    )
            if operation is not None:
                for problem in self.contract.response_problems(operation, status, payload, headers):
                    self.violations.append(f"{method} {path} -> {status}: response breaks the contract: {problem}")
            self.calls.append(Call(method, path, query, status, body))
            return status, payload, headers, hold

    def _with_faults(
        self,
        operation: Operation,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        account: Account,
        token: str,
    ) -> tuple[int, Any, dict[str, str], float]:
        fault = next((f for f in self.faults if f.times > 0 and f.method == method and f.path.search(path)), None)
        if fault is not None:
            fault.times -= 1
            if fault.kind == "error":
                return fault.status, {"message": "Server Error", "documentation_url": DOCS}, {}, 0.0
            if fault.kind == "rate_limit":
                message = (
                    "You have exceeded a secondary rate limit and have been temporarily blocked from content "
                    "creation. Please retry your request again later."
                )
                headers = {"Retry-After": str(fault.retry_after), "X-RateLimit-Remaining": "4990"}
                return fault.status, {"message": message, "documentation_url": DOCS}, headers, 0.0
        status, payload, headers = self._handle(operation, method, query, body, account, token)
        if fault is not None and fault.kind == "error_after":
            return fault.status, {"message": "Server Error", "documentation_url": DOCS}, {}, 0.0
        if fault is not None and fault.kind == "timeout":
            return status, payload, headers, fault.hold
        return status, payload, headers, 0.0

    def _account(self, authorization: str | None) -> tuple[Account | None, str]:
        if not authorization:
            return None, ""
        _, _, token = authorization.partition(" ")
        return self.tokens.get(token.strip()), token.strip()

    # --- operations --------------------------------------------------------------------------

    def _handle(
        self, operation: Operation, method: str, query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        if method != "GET" and token in self.read_only:
            return 403, {"message": "Resource not accessible by integration", "documentation_url": DOCS}, {}
        handler = _HANDLERS.get(operation.key)
        if handler is None:
            self.violations.append(f"{operation.key}: dockhand called an operation the fake does not serve")
            return 404, {"message": "Not Found", "documentation_url": DOCS}, {}
        return handler(self, operation.params, query, body, account, token)

    def _refuse_others(self, account: Account, item: dict[str, Any], verb: str) -> Response | None:
        """GitHub lets an integration change only what it wrote; dockhand must never try otherwise."""
        author = item["user"]["login"]
        if author == account.login:
            return None
        if item["user"]["type"] != "Bot":  # another bot's comment can carry our marker; a person's never counts
            self.violations.append(f"dockhand {verb} a comment by {author}")
        return 403, {"message": "Resource not accessible by integration", "documentation_url": DOCS}, {}

    def _pull(self, params: dict[str, str]) -> FakePull | None:
        return self.pulls.get(int(params.get("pull_number") or params.get("issue_number") or 0))

    def get_pull(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        pull = self._pull(params)
        if pull is None:
            return _not_found()
        return 200, self._pull_object(pull, "pull_request"), {}

    def list_files(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        pull = self._pull(params)
        if pull is None:
            return _not_found()
        return self._page(pull.files, query, f"/repos/{self.repository}/pulls/{pull.number}/files")

    def list_review_comments(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        pull = self._pull(params)
        if pull is None:
            return _not_found()
        items = [self._review_comment_view(c) for c in self.review_comments[pull.number]]
        return self._page(items, query, f"/repos/{self.repository}/pulls/{pull.number}/comments")

    def list_reviews(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        pull = self._pull(params)
        if pull is None:
            return _not_found()
        return self._page(self.reviews[pull.number], query, f"/repos/{self.repository}/pulls/{pull.number}/reviews")

    def create_review(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        pull = self._pull(params)
        if pull is None:
            return _not_found()
        body = body or {}
        commit = body.get("commit_id", pull.head_sha)
        if commit not in pull.commits:
            self.violations.append(f"review on commit {commit}, which is not part of pull request #{pull.number}")
            return (
                422,
                {
                    "message": "Unprocessable Entity",
                    "errors": ["Commit is not part of the pull request"],
                    "documentation_url": DOCS,
                },
                {},
            )
        event = body.get("event")
        if event in ("COMMENT", "REQUEST_CHANGES") and not body.get("body"):
            self.violations.append("a COMMENT review without a body")
            return (
                422,
                {"message": "Unprocessable Entity", "errors": ["Body is required"], "documentation_url": DOCS},
                {},
            )
        comments = body.get("comments", [])
        for comment in comments:
            problem = self._anchor_problem(pull, comment)
            if problem:
                return 422, {**observed_review_422(), "errors": [problem]}, {}
            if len(comment["body"]) > 65536:
                self.violations.append("a review comment body over 65,536 characters")
                return (
                    422,
                    {"message": "Unprocessable Entity", "errors": ["Body is too long"], "documentation_url": DOCS},
                    {},
                )
        state = {"COMMENT": "COMMENTED", "APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}.get(
            event, "PENDING"
        )
        review = self._new_review(pull, account, body.get("body", ""), state, commit)
        for comment in comments:
            self._new_review_comment(pull, review, comment, account)
        return 200, review, {}

    def _anchor_problem(self, pull: FakePull, comment: dict[str, Any]) -> str | None:
        """What GitHub checks: RIGHT lines inside one hunk of the file's patch, start before line."""
        if "position" in comment:
            return None if comment["position"] >= 1 else "Position is invalid"
        entry = next((f for f in pull.files if f["filename"] == comment["path"]), None)
        if comment.get("side", "RIGHT") != "RIGHT" or comment.get("start_side", "RIGHT") != "RIGHT":
            self.violations.append(f"dockhand commented on a LEFT line: {comment}")
        if "line" not in comment:
            return "Pull request review thread line must be part of the diff"
        if entry is None or "patch" not in entry:
            return "Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank"
        hunks = right_lines_by_hunk(entry["patch"])
        hunk = next((h for h in hunks if comment["line"] in h), None)
        if hunk is None:
            return str(observed_review_422()["errors"][0])
        start = comment.get("start_line")
        if start is not None:
            if start >= comment["line"]:
                return "Pull request review thread start line must precede the end line."
            if start not in hunk:
                return "Pull request review thread start line must be part of the same hunk as the line."
        return None

    def list_issue_comments(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        number = int(params["issue_number"])
        if number not in self.issue_comments:
            return _not_found()
        return self._page(self.issue_comments[number], query, f"/repos/{self.repository}/issues/{number}/comments")

    def create_issue_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        number = int(params["issue_number"])
        if number not in self.issue_comments:
            return _not_found()
        if len(body["body"]) > 65536:
            return _too_long("IssueComment")
        comment = self._new_issue_comment(number, body["body"], account)
        return 201, comment, {"Location": comment["url"]}

    def update_issue_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        comment = self._find_issue_comment(int(params["comment_id"]))
        if comment is None:
            return _not_found()
        refused = self._refuse_others(account, comment, "edited")
        if refused:
            return refused
        if len(body["body"]) > 65536:
            return _too_long("IssueComment")
        comment.update(body=body["body"], updated_at=self._now())
        return 200, comment, {}

    def delete_issue_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        comment = self._find_issue_comment(int(params["comment_id"]))
        if comment is None:
            return _not_found()
        refused = self._refuse_others(account, comment, "deleted")
        if refused:
            return refused
        for comments in self.issue_comments.values():
            if comment in comments:
                comments.remove(comment)
        return 204, None, {}

    def update_review_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        found = next(
            (c for comments in self.review_comments.values() for c in comments if c["id"] == int(params["comment_id"])),
            None,
        )
        if found is None:
            return _not_found()
        refused = self._refuse_others(account, found, "edited")
        if refused:
            return refused
        found.update(body=body["body"], updated_at=self._now())
        return 200, self._review_comment_view(found), {}

    def create_check_run(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        if not token.startswith(INSTALLATION_PREFIX):
            return 403, {"message": "You must authenticate via a GitHub App.", "documentation_url": DOCS}, {}
        run = self._new_check_run(body, account)
        return 201, run, {}

    def update_check_run(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        run = next((r for r in self.check_runs if r["id"] == int(params["check_run_id"])), None)
        if run is None:
            return _not_found()
        self._apply_check_fields(run, body)
        return 200, run, {}

    def list_check_runs(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        runs = [r for r in self.check_runs if r["head_sha"] == params["ref"]]
        if "check_name" in query:
            runs = [r for r in runs if r["name"] == query["check_name"]]
        status, page, headers = self._page(runs, query, f"/repos/{self.repository}/commits/{params['ref']}/check-runs")
        return status, {"total_count": len(runs), "check_runs": page}, headers

    def create_status(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        description = body.get("description") or ""
        if len(description) > 140:
            self.violations.append("a commit status description over 140 characters")
            return _too_long("Status", "description")
        status_id = next(self._ids)
        status = {
            "url": f"{self.url}/repos/{self.repository}/statuses/{params['sha']}",
            "avatar_url": "https://avatars.githubusercontent.com/in/15368?v=4",
            "id": status_id,
            "node_id": f"SC_{status_id}",
            "state": body["state"],
            "description": body.get("description"),
            "target_url": body.get("target_url"),
            "context": body.get("context", "default"),
            "created_at": self._now(),
            "updated_at": self._now(),
            "creator": user_object(account),
            "sha": params["sha"],
        }
        self.statuses.append(status)
        public = {k: v for k, v in status.items() if k != "sha"}
        return 201, public, {"Location": status["url"]}

    def list_commit_pulls(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        sha = params["commit_sha"]
        pulls = [self._pull_object(p, "pull_request") for p in self.pulls.values() if sha in p.commits]
        return self._page(pulls, query, f"/repos/{self.repository}/commits/{sha}/pulls")

    def get_user(
        self, params: dict[str, str], query: dict[str, str], body: Any, account: Account, token: str
    ) -> Response:
        if token.startswith(INSTALLATION_PREFIX):
            return 403, {"message": "Resource not accessible by integration", "documentation_url": DOCS}, {}
        return 200, user_object(account), {}

    # --- objects -----------------------------------------------------------------------------

    def _now(self) -> str:
        return "2024-05-01T12:00:00Z"

    def _page(self, items: list[Any], query: dict[str, str], path: str) -> Response:
        per_page = min(100, int(query.get("per_page", 30)))
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(number: int, rel: str) -> str:
            return f'<{self.url}{path}?per_page={per_page}&page={number}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, copy.deepcopy(chunk), ({"Link": ", ".join(links)} if links else {})

    def _new_issue_comment(self, number: int, body: str, author: Account) -> dict[str, Any]:
        comment_id = next(self._ids)
        base = f"{self.url}/repos/{self.repository}"
        comment = {
            "id": comment_id,
            "node_id": f"IC_{comment_id}",
            "url": f"{base}/issues/comments/{comment_id}",
            "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{comment_id}",
            "body": body,
            "user": user_object(author),
            "created_at": self._now(),
            "updated_at": self._now(),
            "issue_url": f"{base}/issues/{number}",
            "author_association": "NONE" if author.type == "Bot" else "CONTRIBUTOR",
        }
        self.issue_comments.setdefault(number, []).append(comment)
        return comment

    def _find_issue_comment(self, comment_id: int) -> dict[str, Any] | None:
        return next((c for comments in self.issue_comments.values() for c in comments if c["id"] == comment_id), None)

    def _new_review(self, pull: FakePull, author: Account, body: str, state: str, commit: str) -> dict[str, Any]:
        review_id = next(self._ids)
        html = f"https://github.com/{self.repository}/pull/{pull.number}#pullrequestreview-{review_id}"
        pull_url = f"{self.url}/repos/{self.repository}/pulls/{pull.number}"
        review = {
            "id": review_id,
            "node_id": f"PRR_{review_id}",
            "user": user_object(author),
            "body": body,
            "state": state,
            "html_url": html,
            "pull_request_url": pull_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "submitted_at": self._now(),
            "commit_id": commit,
            "author_association": "NONE" if author.type == "Bot" else "CONTRIBUTOR",
        }
        self.reviews[pull.number].append(review)
        return review

    def _new_review_comment(
        self, pull: FakePull, review: dict[str, Any], comment: dict[str, Any], author: Account
    ) -> dict[str, Any]:
        comment_id = next(self._ids)
        base = f"{self.url}/repos/{self.repository}"
        html = f"https://github.com/{self.repository}/pull/{pull.number}#discussion_r{comment_id}"
        entry = next((f for f in pull.files if f["filename"] == comment["path"]), {})
        stored = {
            "url": f"{base}/pulls/comments/{comment_id}",
            "pull_request_review_id": review["id"],
            "id": comment_id,
            "node_id": f"PRRC_{comment_id}",
            "diff_hunk": diff_hunk(entry.get("patch", "@@ -1 +1 @@"), comment["line"]),
            "path": comment["path"],
            "position": 1,
            "original_position": 1,
            "commit_id": review["commit_id"],
            "original_commit_id": review["commit_id"],
            "user": user_object(author),
            "body": comment["body"],
            "created_at": self._now(),
            "updated_at": self._now(),
            "html_url": html,
            "pull_request_url": f"{base}/pulls/{pull.number}",
            "author_association": "NONE" if author.type == "Bot" else "CONTRIBUTOR",
            "_links": {
                "self": {"href": f"{base}/pulls/comments/{comment_id}"},
                "html": {"href": html},
                "pull_request": {"href": f"{base}/pulls/{pull.number}"},
            },
            "start_line": comment.get("start_line"),
            "original_start_line": comment.get("start_line"),
            "start_side": comment.get("start_side") if comment.get("start_line") else None,
            "line": comment["line"],
            "original_line": comment["line"],
            "side": comment.get("side", "RIGHT"),
            "subject_type": "line",
        }
        self.review_comments[pull.number].append(stored)
        return stored

    def _review_comment_view(self, comment: dict[str, Any]) -> dict[str, Any]:
        return dict(comment)

    def _new_check_run(self, body: dict[str, Any], account: Account) -> dict[str, Any]:
        run_id = next(self._ids)
        run: dict[str, Any] = {
            "id": run_id,
            "head_sha": body["head_sha"],
            "node_id": f"CR_{run_id}",
            "external_id": body.get("external_id", ""),
            "url": f"{self.url}/repos/{self.repository}/check-runs/{run_id}",
            "html_url": f"https://github.com/{self.repository}/runs/{run_id}",
            "details_url": body.get("details_url"),
            "status": "queued",
            "conclusion": None,
            "started_at": self._now(),
            "completed_at": None,
            "output": {
                "title": None,
                "summary": None,
                "text": None,
                "annotations_count": 0,
                "annotations_url": f"{self.url}/repos/{self.repository}/check-runs/{run_id}/annotations",
            },
            "name": body["name"],
            "check_suite": {"id": 5},
            "app": app_object(account),
            "pull_requests": [
                minimal_pull(self, p) for p in self.pulls.values() if p.head_sha == body["head_sha"] and not p.head_repo
            ],
        }
        self.annotations[run_id] = []
        self._apply_check_fields(run, body)
        self.check_runs.append(run)
        return run

    def _apply_check_fields(self, run: dict[str, Any], body: dict[str, Any]) -> None:
        for key in ("details_url", "external_id", "name"):
            if key in body:
                run[key] = body[key]
        if "conclusion" in body:
            run.update(conclusion=body["conclusion"], status="completed", completed_at=self._now())
        elif "status" in body:
            run["status"] = body["status"]
        output = body.get("output")
        if output:
            stored = self.annotations.setdefault(run["id"], [])
            stored.extend(output.get("annotations", []))
            run["output"].update(
                title=output.get("title"),
                summary=output.get("summary"),
                text=output.get("text"),
                annotations_count=len(stored),
            )

    def _pull_object(self, pull: FakePull, key: str) -> dict[str, Any]:
        text = json.dumps(event_template("pull_request.synchronize")[key])
        text = text.replace(
            "https://api.github.com/repos/Codertocat/Hello-World", f"{self.url}/repos/{self.repository}"
        )
        text = re.sub(r"/(pulls|issues|pull)/2\b", lambda m: f"/{m.group(1)}/{pull.number}", text)
        template = json.loads(text.replace("Codertocat/Hello-World", self.repository))
        owner, name = self.repository.split("/")
        template["number"] = pull.number
        template["state"] = pull.state
        template["url"] = f"{self.url}/repos/{self.repository}/pulls/{pull.number}"
        template["base"].update(sha=pull.base_sha, ref=pull.base_ref, label=f"{owner}:{pull.base_ref}")
        template["base"]["repo"].update(full_name=self.repository, name=name)
        template["head"].update(sha=pull.head_sha, ref=pull.head_ref)
        template["head"]["repo"].update(full_name=pull.head_repo or self.repository, fork=bool(pull.head_repo))
        return dict(template)


def _not_found() -> Response:
    return 404, {"message": "Not Found", "documentation_url": DOCS}, {}


def _too_long(resource: str, field_name: str = "body") -> Response:
    error = {"resource": resource, "code": "custom", "field": field_name, "message": f"{field_name} is too long"}
    return 422, {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}, {}


def user_object(account: Account) -> dict[str, Any]:
    base = f"https://api.github.com/users/{account.login}"
    return {
        "login": account.login,
        "id": account.id,
        "node_id": f"U_{account.id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"https://github.com/{account.login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": account.type,
        "site_admin": False,
    }


def app_object(account: Account) -> dict[str, Any]:
    slug = account.login.removesuffix("[bot]")
    return {
        "id": 15368,
        "slug": slug,
        "node_id": "MDM6QXBwMTUzNjg=",
        "owner": user_object(Account("github", 9919, "Organization")),
        "name": slug,
        "description": "Automate your workflow",
        "external_url": "https://help.github.com/en/actions",
        "html_url": f"https://github.com/apps/{slug}",
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2019-12-10T19:04:12Z",
        "permissions": {"checks": "write", "pull_requests": "write"},
        "events": ["check_run", "pull_request"],
    }


def minimal_pull(fake: FakeGitHub, pull: FakePull) -> dict[str, Any]:
    repo = {"id": 1, "url": f"{fake.url}/repos/{fake.repository}", "name": fake.repository.split("/")[1]}
    return {
        "id": pull.number * 10,
        "number": pull.number,
        "url": f"{fake.url}/repos/{fake.repository}/pulls/{pull.number}",
        "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": repo},
        "base": {"ref": pull.base_ref, "sha": pull.base_sha, "repo": repo},
    }


def right_lines_by_hunk(patch: str) -> list[set[int]]:
    """The RIGHT-side line numbers of each hunk, by walking the patch (independent of dockhand)."""
    hunks: list[set[int]] = []
    line = 0
    for text in patch.split("\n"):
        header = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", text)
        if header:
            hunks.append(set())
            line = int(header.group(1))
        elif hunks and text.startswith(("+", " ")):
            hunks[-1].add(line)
            line += 1
        elif hunks and text == "" and line:
            continue
    return hunks


def diff_hunk(patch: str, line: int) -> str:
    """The part of the patch up to the commented line, as GitHub returns it."""
    kept: list[str] = []
    current = 0
    for text in patch.split("\n"):
        header = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", text)
        if header:
            kept = [text]
            current = int(header.group(1))
            continue
        kept.append(text)
        if text.startswith(("+", " ")):
            if current == line:
                return "\n".join(kept)
            current += 1
    return "\n".join(kept) or patch


def pull_files(repo: Path, base: str, head: str) -> list[dict[str, Any]]:
    """The PR files API entries for base...head, computed with git as GitHub does (3 lines of context)."""
    merge_base = _git(repo, "merge-base", base, head).strip()
    out = _git(repo, "diff", "-U3", "-M", "--no-color", "--full-index", merge_base, head)
    files = []
    for section in re.split(r"(?m)^diff --git ", out)[1:]:
        lines = section.split("\n")
        meta = {"status": "modified"}
        old = new = None
        sha = "0" * 40
        for text in lines:
            if text.startswith("@@"):
                break
            if text.startswith("new file mode"):
                meta["status"] = "added"
            elif text.startswith("deleted file mode"):
                meta["status"] = "removed"
            elif text.startswith("rename from "):
                meta["status"], old = "renamed", text[len("rename from ") :]
            elif text.startswith("rename to "):
                new = text[len("rename to ") :]
            elif text.startswith("+++ b/"):
                new = text[len("+++ b/") :].removesuffix("\t")  # git ends names with spaces with a tab
            elif text.startswith("--- a/") and new is None:
                new = text[len("--- a/") :]
            elif text.startswith("index "):
                sha = text.split(" ")[1].split("..")[-1]
        start = next((i for i, text in enumerate(lines) if text.startswith("@@")), None)
        patch = "\n".join(lines[start:]).rstrip("\n") if start is not None else None
        body = lines[start:] if start is not None else []
        additions = sum(1 for t in body if t.startswith("+"))
        deletions = sum(1 for t in body if t.startswith("-"))
        assert new is not None
        entry: dict[str, Any] = {
            "sha": sha,
            "filename": new,
            "status": meta["status"],
            "additions": additions,
            "deletions": deletions,
            "changes": additions + deletions,
            "blob_url": f"https://github.com/octo-org/octo-repo/blob/{head}/{new}",
            "raw_url": f"https://github.com/octo-org/octo-repo/raw/{head}/{new}",
            "contents_url": f"https://api.github.com/repos/octo-org/octo-repo/contents/{new}?ref={head}",
        }
        if patch is not None:
            entry["patch"] = patch
        if old is not None:
            entry["previous_filename"] = old
        files.append(entry)
    return files


def pull_commits(repo: Path, base: str, head: str) -> list[str]:
    return _git(repo, "rev-list", f"{base}..{head}").split()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True, text=True, timeout=60).stdout


_HANDLERS: dict[str, Callable[..., Response]] = {
    "GET /repos/{owner}/{repo}/pulls/{pull_number}": FakeGitHub.get_pull,
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": FakeGitHub.list_files,
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments": FakeGitHub.list_review_comments,
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": FakeGitHub.list_reviews,
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews": FakeGitHub.create_review,
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": FakeGitHub.list_issue_comments,
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": FakeGitHub.create_issue_comment,
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": FakeGitHub.update_issue_comment,
    "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}": FakeGitHub.delete_issue_comment,
    "PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}": FakeGitHub.update_review_comment,
    "POST /repos/{owner}/{repo}/check-runs": FakeGitHub.create_check_run,
    "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": FakeGitHub.update_check_run,
    "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": FakeGitHub.list_check_runs,
    "POST /repos/{owner}/{repo}/statuses/{sha}": FakeGitHub.create_status,
    "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": FakeGitHub.list_commit_pulls,
    "GET /user": FakeGitHub.get_user,
}

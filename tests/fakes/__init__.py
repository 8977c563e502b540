"""Local fake messenger servers for end-to-end tests over real HTTP on 127.0.0.1.

`telegram_server.FakeTelegram` speaks the Bot API as python-telegram-bot uses it;
`zalo_server.FakeZalo` speaks the Zalo Bot Platform API. Both share the machinery here:
an aiohttp app on a free loopback port, a record of every API call, fault injection, and
waiting on the record without sleeps. Fixtures live in `tests.fakes.fixtures`.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web

Params = dict[str, Any]


class ApiError(Exception):
    """Raised by an API method to answer with an error envelope and HTTP status."""

    def __init__(self, status: int, description: str, parameters: Params | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One request the bot made; `status` stays None while the call is in flight."""

    method: str
    params: Params
    files: dict[str, UploadedFile]
    time: float
    status: int | None = None
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Fault:
    """An injected failure: for `times` calls (None: until removed) of a method and/or chat."""

    status: int
    description: str
    method: str | None = None
    chat_id: str | None = None
    times: int | None = 1
    parameters: Params | None = None

    def matches(self, method: str, params: Params) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == self.chat_id


@dataclass
class WebhookDelivery:
    """One update the fake pushed to the bot's webhook, with the bot's answer."""

    url: str
    update: Params
    status: int | None
    body: str
    time: float = field(default_factory=time.monotonic)


async def post_json(url: str, payload: Any, headers: dict[str, str] | None = None,
                    timeout: float = 10.0) -> tuple[int, str]:
    """POST JSON to a (loopback) URL and return status and body text."""
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=client_timeout) as session:
        async with session.post(url, json=payload, headers=headers or {}) as response:
            return response.status, await response.text()


async def read_request_params(request: web.Request) -> tuple[Params, dict[str, UploadedFile]]:
    """Query string plus body fields, as raw strings (form/multipart) or JSON values."""
    params: Params = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return params, files
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif ctype == "multipart/form-data":
        await _read_multipart(request, params, files)
    elif ctype == "application/x-www-form-urlencoded":
        params.update(dict(await request.post()))
    else:
        raw = await request.read()
        if raw.strip():
            params.update(json.loads(raw))
    return params, files


async def _read_multipart(request: web.Request, params: Params,
                          files: dict[str, UploadedFile]) -> None:
    # Parts are read into memory: request.post() would spool files to temp files that must
    # be closed by hand, and an unclosed one is a ResourceWarning (an error in this suite).
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        assert isinstance(part, aiohttp.BodyPartReader)
        name = part.name or ""
        if part.filename is not None:
            data = await part.read(decode=True)
            files[name] = UploadedFile(name, part.filename,
                                       part.headers.get("Content-Type"), bytes(data))
        else:
            params[name] = await part.text()


class FakeBotApi:
    """Base of both fakes: serves `{prefix}{token}/{method}` by calling `api_<method>`.

    Subclasses implement `api_<method>(params, files)` returning the result or raising
    ApiError, plus `_envelope_ok`/`_envelope_error` for their response shape.
    """

    path_prefix = "/bot"

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[ApiCall] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self._faults: list[Fault] = []
        self._methods = {name[4:].lower(): name for name in dir(self) if name.startswith("api_")}
        self._tick = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def max_request_bytes(self) -> int:
        """The largest request body the server reads (aiohttp's default)."""
        return 1024 * 1024

    @property
    def base_url(self) -> str:
        """Bot API base: requests go to f"{base_url}{token}/{method}"."""
        return f"{self.url}{self.path_prefix}"

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("*", self.path_prefix + "{token}/{method}", self._dispatch)

    async def start(self) -> Self:
        """Listen on a free loopback port."""
        app = web.Application(client_max_size=self.max_request_bytes)
        self._routes(app)
        # Handler cancellation ends a long poll as soon as the client hangs up (PTB cancels
        # its getUpdates on stop), so shutdown never waits for a poll to time out.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0,
                                     access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Wake every long poll and close the server."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- waiting without sleeps ---------------------------------------------------------------

    def _notify(self) -> None:
        """Wake everything waiting on the fake's state (calls, messages, updates)."""
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    async def _wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """True once predicate holds, False when the timeout passes or the server closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                return False
            tick = self._tick
            try:
                await asyncio.wait_for(tick.wait(), remaining)
            except TimeoutError:
                pass
        return True

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 3.0,
                         what: str = "condition") -> None:
        """Await predicate(); on timeout fail with the recent calls, for a readable failure."""
        if not await self._wait_for(predicate, timeout):
            recent = [(c.method, c.status, c.description) for c in self.calls[-10:]]
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                 f"last calls: {recent}")

    def calls_of(self, method: str) -> list[ApiCall]:
        """Every recorded call of one method (case-insensitive), oldest first."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 3.0,
                             completed: bool = True) -> list[ApiCall]:
        """Await `count` calls of a method (answered ones unless completed=False)."""
        def enough() -> bool:
            done = [c for c in self.calls_of(method) if c.status is not None or not completed]
            return len(done) >= count
        await self.wait_until(enough, timeout, f"{count} call(s) of {method}")
        return self.calls_of(method)

    # -- fault injection ------------------------------------------------------------------

    def inject_error(self, method: str | None, status: int, description: str, *,
                     times: int | None = 1, chat_id: int | str | None = None,
                     parameters: Params | None = None) -> Fault:
        """Make the next `times` matching calls fail (times=None: until clear_faults)."""
        fault = Fault(status, description, method,
                      None if chat_id is None else str(chat_id), times, parameters)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str, params: Params) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    # -- request handling ---------------------------------------------------------------------

    def _envelope_ok(self, result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    def _envelope_error(self, error: ApiError) -> web.Response:
        body: Params = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.status)

    def _decode_params(self, params: Params) -> Params:
        """Hook: turn wire strings into values (Telegram form fields carry JSON)."""
        return params

    def _check_token(self, token: str) -> None:
        if token != self.token:
            raise ApiError(401, "Unauthorized")

    async def _dispatch(self, request: web.Request) -> web.Response:
        raw, files = await read_request_params(request)
        method_name = request.match_info["method"]
        call = ApiCall(method_name, self._decode_params(raw), files, time.monotonic())
        self.calls.append(call)
        self._notify()
        try:
            self._check_token(request.match_info["token"])
            result = await self._answer(call)
        except asyncio.CancelledError:
            # The client hung up (PTB cancels its long poll on stop): mark it, nginx-style.
            call.status, call.description = 499, "client closed request"
            self._notify()
            raise
        except ApiError as error:
            call.status, call.description = error.status, error.description
            response = self._envelope_error(error)
        else:
            call.status, call.result = 200, result
            response = self._envelope_ok(result)
        self._notify()
        return response

    async def _answer(self, call: ApiCall) -> Any:
        attribute = self._methods.get(call.method.lower())
        if attribute is None:
            raise ApiError(404, "Not Found")
        fault = self._take_fault(call.method, call.params)
        if fault is not None:
            raise ApiError(fault.status, fault.description, fault.parameters)
        handler: Callable[[Params, dict[str, UploadedFile]], Awaitable[Any]]
        handler = getattr(self, attribute)
        return await handler(call.params, call.files)

    async def _deliver(self, url: str, update: Params, payload: Any,
                       headers: dict[str, str]) -> WebhookDelivery:
        """Push one update to the bot's webhook and record the bot's answer."""
        try:
            status, body = await post_json(url, payload, headers)
        except aiohttp.ClientError as error:
            status, body = None, repr(error)
        delivery = WebhookDelivery(url, update, status, body)
        self.webhook_deliveries.append(delivery)
        self._notify()
        return delivery

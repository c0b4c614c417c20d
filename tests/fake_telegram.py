"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and the benchmark.

The real python-telegram-bot talks HTTP to it. It validates payloads as Telegram does (HTML
entity parsing, 4096-character texts, 1-64-byte callback data, at most 50 inline results with
unique ids) and can inject 429 and 5xx answers. Built on tornado, which PTB's webhook extra
already brings.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import tornado.httpserver
import tornado.netutil
import tornado.web

JSON_FIELDS = {"reply_markup", "results", "commands", "allowed_updates", "entities",
               "link_preview_options", "reply_parameters", "scope", "button"}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "span", "tg-spoiler", "blockquote", "tg-emoji"}
_BAD_AMP = re.compile(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_BAD_LT = re.compile(r"<(?![a-zA-Z/])")


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


class _EntityParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag "
                                f"\"{tag}\"")
        if tag == "a" and not any(k == "href" for k, _ in attrs):
            raise ApiError(400, "Bad Request: can't parse entities: a tag needs href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag "
                                f"corresponding to start tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message; ApiError where Telegram would refuse it."""
    if _BAD_AMP.search(text) or _BAD_LT.search(text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped character")
    parser = _EntityParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed tag "
                            f"\"{parser.stack[-1]}\"")
    return "".join(parser.text)


def tg_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str | None, parse_mode: str | None, what: str = "message text") -> None:
    if not text or not text.strip():
        raise ApiError(400, f"Bad Request: {what} is empty")
    visible = parse_html(text) if parse_mode == "HTML" else text
    if tg_len(visible) > 4096:
        raise ApiError(400, f"Bad Request: {what} is too long")


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is None:
        return
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise ApiError(400, "Bad Request: button text is empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            kinds = [k for k in ("callback_data", "url", "switch_inline_query",
                                 "switch_inline_query_current_chat") if k in button]
            if len(kinds) != 1:
                raise ApiError(400, "Bad Request: a button needs exactly one action")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # what the fake answered
    injected: bool = False  # the failure was asked for by the test (fake.fail)


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    remaining: int


def _button_datas(message: dict[str, Any]) -> set[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b.get("callback_data", "") for row in rows for b in row}


class FakeTelegram:
    """Start with `await fake.start()`; point PTB's base_url at `fake.base_url`."""

    def __init__(self, token: str = "123456:TEST-token-for-wijkwijzer",
                 username: str = "wijkwijzer_test_bot") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True,
                         "first_name": "Wijkwijzer", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": True}
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._pushed: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0
        self.max_poll_seconds = 0.5
        self.sent_count = 0  # successful sendMessage calls
        self.messages: dict[int, dict[str, Any]] = {}  # what the bot sent or edited, by id
        self.delivered: set[int] = set()  # update ids getUpdates has handed out
        self.names: dict[int, str] = {}  # users' first names (default "Test")
        self.files: dict[str, bytes] = {}  # uploaded photos and documents by file id
        self.menus: dict[str, list[str]] = {}  # "scope:chat:language" -> command names
        self.uploads = 0
        self._outage: frozenset[str] | None = None  # methods answered 502 (empty: all)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        # The fake's own access log shows request URLs; it is test scaffolding, not the bot.
        logging.getLogger("tornado.access").setLevel(logging.CRITICAL)
        app = tornado.web.Application([
            (r"/bot([^/]+)/([A-Za-z]+)", _ApiHandler, {"fake": self}),
            (r"/_control/(push|sent|count)", _ControlHandler, {"fake": self}),
        ])
        self._app = app
        self._server = tornado.httpserver.HTTPServer(app)
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what the tests do -------------------------------------------------------------------

    def fail(self, method: str, status: int, description: str,
             retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` get this error instead of an answer."""
        self._failures.setdefault(method, []).append(
            _Failure(status, description, retry_after, times))

    def outage(self, methods: Iterable[str] = ()) -> None:
        """Telegram is away: every call of `methods` (all methods when none are named) gets
        502 Bad Gateway until `restore()`."""
        self._outage = frozenset(methods)

    def restore(self) -> None:
        self._outage = None

    async def close_port(self) -> None:
        """Nobody listens any more: connections are refused until `open_port()`."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    async def open_port(self) -> None:
        # a stopped tornado server cannot be started again (nor stopped: its sockets would
        # leak), so a new one listens on the same port
        self._server = tornado.httpserver.HTTPServer(self._app)
        self._server.add_sockets(tornado.netutil.bind_sockets(self.port, "127.0.0.1"))

    @property
    def started(self) -> set[int]:
        """Users with a private chat with the bot (they wrote to it)."""
        return {int(u["message"]["chat"]["id"]) for u in self._pushed
                if "message" in u and u["message"]["chat"]["type"] == "private"}

    async def push(self, update: dict[str, Any]) -> int:
        self._pushed.append(update)
        update_id = next(self._update_ids)
        async with self._changed:
            self._updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    def user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": self.names.get(user_id, "Test"),
                "language_code": "nl"}

    def chat(self, chat_id: int, kind: str = "private") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind != "private":
            chat["title"] = "Teamkamer"
        return chat

    def message(self, chat_id: int, text: str | None = None, user_id: int | None = None,
                kind: str = "private", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id, kind), "from": self.user(user_id or abs(chat_id))}
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                body["entities"] = [{"type": "bot_command", "offset": 0,
                                     "length": len(command)}]
        body.update(extra)
        return {"message": body}

    def callback(self, chat_id: int, data: str, user_id: int | None = None,
                 message_id: int | None = None, kind: str = "private") -> dict[str, Any]:
        """A button press. Like a real client, it comes from the newest message the bot sent in
        the chat that carries a button with this data; without one (forged data, or an explicit
        `message_id` of another message), from that message or a bare text message."""
        if message_id is None:
            message_id = next((mid for mid, m in reversed(self.messages.items())
                               if m["chat"]["id"] == chat_id and data in _button_datas(m)), 1)
        message = self.messages.get(message_id) or {
            "message_id": message_id, "date": int(time.time()),
            "chat": self.chat(chat_id, "group" if chat_id < 0 else kind),
            "from": self.bot_user, "text": "…"}
        return {"callback_query": {"id": str(next(self._message_ids)),
                                   "from": self.user(user_id or chat_id), "chat_instance": "ci",
                                   "data": data, "message": message}}

    def inline(self, user_id: int, query: str) -> dict[str, Any]:
        return {"inline_query": {"id": str(next(self._message_ids)),
                                 "from": self.user(user_id), "query": query, "offset": ""}}

    def added_to_group(self, chat_id: int, user_id: int) -> dict[str, Any]:
        bot = dict(self.bot_user)
        return {"my_chat_member": {
            "chat": self.chat(chat_id, "group"), "from": self.user(user_id),
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot}}}

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages the bot sent successfully (sendMessage), optionally to one chat."""
        return [c for c in self.calls if c.method == "sendMessage" and c.status == 200
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def bot_caused_errors(self) -> list[Call]:
        """Calls Telegram would have refused (4xx) that no test asked for: bugs of the bot."""
        return [c for c in self.calls if 400 <= c.status < 500 and not c.injected]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the bot did not do what the test waited for")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue

    # --- the API ---------------------------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any]) -> Any:
        call = Call(method, params)
        try:
            return await self._dispatch(call)
        except ApiError as exc:
            call.status = exc.code
            raise
        finally:
            if method != "getUpdates":
                async with self._changed:
                    self.calls.append(call)
                    if method == "sendMessage" and call.status == 200:
                        self.sent_count += 1
                    self._changed.notify_all()

    async def _dispatch(self, call: Call) -> Any:
        if self._outage is not None and (not self._outage or call.method in self._outage):
            call.injected = True
            raise ApiError(502, "Bad Gateway")
        queue = self._failures.get(call.method)
        if queue:
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
            call.injected = True
            raise ApiError(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_api_{call.method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return await handler(call.params)

    async def _api_getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return self.bot_user

    async def _api_getChat(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = int(params.get("chat_id") or 0)
        if chat_id <= 0:
            raise ApiError(400, "Bad Request: chat not found")
        user = self.user(chat_id)
        return {"id": chat_id, "type": "private", "first_name": user["first_name"],
                "accent_color_id": 0, "max_reaction_count": 11}

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided")
        return True

    async def _api_setMyDescription(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if len(params.get("description") or "") > 512:
            raise ApiError(400, "Bad Request: description is too long")
        return True

    async def _api_setMyShortDescription(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if len(params.get("short_description") or "") > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:  # noqa: N802
        commands = params.get("commands") or []
        if not 1 <= len(commands) <= 100:
            raise ApiError(400, "Bad Request: commands list is invalid")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        self.menus[self._scope(params)] = [c["command"] for c in commands]
        return True

    def _scope(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "chat" and int(scope.get("chat_id", 0)) not in self.started:
            raise ApiError(400, "Bad Request: chat not found")
        return f"{scope.get('type')}:{scope.get('chat_id', '')}:{params.get('language_code', '')}"

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.menus.pop(self._scope(params), None)
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), self.max_poll_seconds)
        deadline = time.monotonic() + wait
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            batch = list(self._updates[:100])
            self.delivered.update(u["update_id"] for u in batch)
            return batch

    def _message_result(self, chat_id: Any, text: str, markup: Any,
                        message_id: int | None = None) -> dict[str, Any]:
        old = self.messages.get(message_id or 0)
        result: dict[str, Any] = {"message_id": message_id or next(self._message_ids),
                                  "date": int(time.time()),
                                  "chat": old["chat"] if old else self.chat(
                                      int(chat_id), "group" if int(chat_id) < 0 else "private"),
                                  "from": self.bot_user, "text": parse_html(text),
                                  "html": text}
        markup = json.loads(markup) if isinstance(markup, str) else markup
        if markup and "inline_keyboard" in markup:  # Telegram returns inline keyboards only
            result["reply_markup"] = markup
        self.messages[result["message_id"]] = result
        return result

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        check_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        return self._message_result(params["chat_id"], params["text"],
                                    params.get("reply_markup"))

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:  # noqa: N802
        check_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        old = self.messages.get(int(params.get("message_id") or 0))
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        if old is not None and old.get("html") == params["text"] and \
                old.get("reply_markup") == (markup if markup and "inline_keyboard" in markup
                                            else None):
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                           "content and reply markup are exactly the same")
        message_id = params.get("message_id")
        return self._message_result(params.get("chat_id", 0), params["text"],
                                    params.get("reply_markup"),
                                    int(message_id) if message_id else None)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if len(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        results = params.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(result.get("id", "").encode()) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            content = result.get("input_message_content") or {}
            check_text(content.get("message_text"), content.get("parse_mode"))
            check_markup(result.get("reply_markup"))
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def _file(self, value: Any, check: Callable[[bytes], bool], what: str) -> str:
        """An upload (stored under a new file id) or the file id of an earlier upload."""
        if isinstance(value, str):
            if value not in self.files:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return value
        if not isinstance(value, bytes) or not check(value):
            raise ApiError(400, f"Bad Request: {what} must be an uploaded file")
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = value
        self.uploads += 1
        return file_id

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:  # noqa: N802
        file_id = self._file(params.get("document"), bool, "document")
        result = self._message_result(params["chat_id"], "", None)
        del result["text"]
        result["document"] = {"file_id": file_id, "file_unique_id": file_id}
        return result

    async def _api_sendPhoto(self, params: dict[str, Any]) -> Any:  # noqa: N802
        file_id = self._file(params.get("photo"), lambda b: b.startswith(b"\x89PNG"), "photo")
        caption = params.get("caption")
        if caption:
            visible = parse_html(caption) if params.get("parse_mode") == "HTML" else caption
            if tg_len(visible) > 1024:
                raise ApiError(400, "Bad Request: message caption is too long")
        check_markup(params.get("reply_markup"))
        result = self._message_result(params["chat_id"], "", params.get("reply_markup"))
        del result["text"]
        result["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 1200,
                            "height": 1200}]
        return result


class _ControlHandler(tornado.web.RequestHandler):
    """For a benchmark that runs the fake in another process: push updates, read what was sent
    (chat id and CLOCK_MONOTONIC time, which all processes on the machine share)."""

    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def post(self, action: str) -> None:
        body = json.loads(self.request.body or b"{}")
        if action == "push":
            for update in body["updates"]:
                await self.fake.push(update)
            self.finish({"ok": True})
        elif action == "count":
            self.finish({"ok": True, "count": self.fake.sent_count})
        else:
            since = int(body.get("since", 0))
            sent = [[c.params.get("chat_id"), c.at] for c in self.fake.sent()[since:]]
            self.finish({"ok": True, "sent": sent})


def serve_forever(port_file: str) -> None:
    """Run the fake in this process until killed; write its port to `port_file`."""

    async def main() -> None:
        fake = FakeTelegram()
        fake.max_poll_seconds = 1.0
        await fake.start()
        Path(port_file).write_text(str(fake.port), encoding="utf-8")
        await asyncio.Event().wait()

    asyncio.run(main())


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def post(self, token: str, method: str) -> None:
        if token != self.fake.token:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params = self._params()
            result = await self.fake.handle(method, params)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code,
                                    "description": exc.description}
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            self._reply(exc.code, body)
            return
        self._reply(200, {"ok": True, "result": result})

    get = post

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        if "multipart/form-data" in content_type:  # uploads (sendPhoto)
            params: dict[str, Any] = {}
            for key, values in self.request.body_arguments.items():
                value = values[0].decode("utf-8")
                params[key] = json.loads(value) if key in JSON_FIELDS else (
                    int(value) if key in INT_FIELDS and re.fullmatch(r"-?\d+", value) else value)
            for key, files in self.request.files.items():
                params[key] = files[0]["body"]
            # PTB names the upload part "attach://..." in the field: resolve it.
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = params.get(value.removeprefix("attach://"))
            return params
        raw = self.request.body.decode("utf-8")
        if "json" in content_type:
            loaded = json.loads(raw) if raw else {}
            return dict(loaded)
        params = {}
        for key, value in parse_qsl(raw, keep_blank_values=True):
            if key in JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS and re.fullmatch(r"-?\d+", value):
                params[key] = int(value)
            else:
                params[key] = value
        return params

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))



if __name__ == "__main__":
    import sys

    serve_forever(sys.argv[1])

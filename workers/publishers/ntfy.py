"""ntfy topics (https://ntfy.sh, self-hosted by many public bodies).

One POST to `<server>/<topic>` with the text as body and ntfy's headers: `Title`, `Click` (the
link the phone opens when the notification is tapped), `Tags` and `Priority`. A topic name is
the only secret of an unprotected topic, so topics are long and random; a protected server
takes an access token (`Authorization: Bearer`).
"""

from __future__ import annotations

import httpx

from workers.publishers.base import Message, PublishResult, check_response, post


class NtfyPublisher:
    channel = "ntfy"

    def __init__(self, client: httpx.Client, topic_url: str, token: str = "") -> None:
        if "/" not in topic_url.split("://", 1)[-1]:
            raise ValueError(
                f"Expected a topic URL like https://ntfy.example/topic, got {topic_url!r}"
            )
        self._client = client
        self._url = topic_url
        self._token = token

    def publish(self, message: Message) -> PublishResult:
        return self.send(message.title, message.body, message.url, message.tags, message.priority)

    def send(
        self, title: str, body: str, click: str, tags: str = "", priority: str = "high"
    ) -> PublishResult:
        """One notification that opens `click` when tapped (a route, an alert, a personal
        link)."""
        headers = {
            # Header values must be Latin-1; ntfy reads RFC 2047 for anything else.
            "Title": _header_text(title),
            "Click": click,
            "Priority": priority,
        }
        if tags:
            headers["Tags"] = tags
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        response = post(self._client, self._url, content=body.encode(), headers=headers)
        return check_response(response)


def _header_text(text: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        from email.header import Header

        # A long title is folded into several encoded words on lines of their own; a header
        # value may not hold a line break, and decoders join the words across a space anyway.
        return Header(text, "utf-8").encode().replace("\n", "")
    return text

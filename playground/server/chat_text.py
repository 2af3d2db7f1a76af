"""What a chat message may hold, decided once: the text the room is shown is the text that was
sent, or the sender is told why not. Nothing is silently altered.

* **Invalid JSON, or not `{"text": "..."}`**: an error to the sender, who stays.
* **Nested too deeply to parse** (`[[[[...` 20,000 levels: `json.loads` raises RecursionError,
  which escaped as an 81-line traceback per message): `TooDeep`, and the chat closes the sender
  with 1008 — no client of the chat sends that by mistake.
* **NUL and other control characters** (C0 but tab and newline, DEL, C1): refused; they mean
  something to terminals and logs, nothing in a chat line.
* **Bidi embeddings, overrides and isolates** (U+202A–U+202E, U+2066–U+2069): refused; they make
  a line display in another order than its characters ("Trojan Source", CVE-2021-42574), and the
  sender's own text would be drawn reversed into everyone else's view. The marks LRM/RLM/ALM
  stay: they only nudge neutral characters, and right-to-left writers use them.
* **Invisible characters** (zero-width space, joiners, word joiner, BOM, soft hyphen...) are
  allowed inside text — the joiner builds emoji sequences and Persian words — but are not content:
  a message of only them and whitespace is empty.
* **Combining marks**: at most `MAX_COMBINING_RUN` on one base character ("Zalgo" text stacks
  hundreds that draw over the lines above and below). Real scripts stack two or three; Unicode's
  stream-safe format (UAX #15) allows 30, which still draws a column over the chat.
* **Unpaired surrogates** (JSON's `"\\ud800"`): refused; they have no UTF-8 and failed every
  member's send.
"""

from __future__ import annotations

import json
import re
import unicodedata

MAX_COMBINING_RUN = 8
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_NOTHING_VISIBLE = re.compile(r"[\s\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff]*")


class TooDeep(ValueError):
    """JSON nested beyond what the parser can take: a deliberate attack, not a typo."""


def parse_chat_message(text: str, max_chars: int) -> str:
    """The text of a client message ``{"text": "..."}``; ValueError says what was wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f'expected JSON like {{"text": "hi"}}, got invalid JSON ({error.msg})') from None
    except RecursionError:
        raise TooDeep("the JSON is nested too deeply to read") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError('expected an object with a string "text", like {"text": "hi"}')
    body: str = data["text"]
    if len(body) > max_chars:
        raise ValueError(f"the text has {len(body)} characters; the limit is {max_chars}")
    check_text(body)
    return body


def check_text(body: str) -> None:
    """ValueError naming the first thing in `body` a chat does not show (see the module docstring)."""
    if _NOTHING_VISIBLE.fullmatch(body):
        raise ValueError("the text is empty")
    if body.isascii():  # the common case: only the control characters can be wrong
        if found := _CONTROL.search(body):
            raise ValueError(f"the text holds a control character (U+{ord(found.group()):04X}) at {found.start()}")
        return
    try:
        body.encode("utf-8")  # JSON's "\ud800" escape decodes to a lone surrogate: no UTF-8 for it
    except UnicodeEncodeError as error:
        raise ValueError(f"the text is not valid Unicode: an unpaired surrogate at position {error.start}") from None
    if found := _CONTROL.search(body):
        raise ValueError(f"the text holds a control character (U+{ord(found.group()):04X}) at {found.start()}")
    if found := _BIDI_CONTROL.search(body):
        raise ValueError(
            f"the text holds a bidi control (U+{ord(found.group()):04X}) at {found.start()}, which would "
            "show the text in another order than it was written"
        )
    run = 0
    for position, character in enumerate(body):
        if unicodedata.category(character).startswith("M"):
            run += 1
            if run > MAX_COMBINING_RUN:
                raise ValueError(
                    f"more than {MAX_COMBINING_RUN} combining marks on one character at {position - run + 1}"
                )
        else:
            run = 0

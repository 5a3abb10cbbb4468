"""Reading a police feed file (CSV or JSON) into raw records, one per notification.

Nothing is interpreted here beyond the column mapping: values stay as text, exactly as
sent, and every record keeps its raw rows (or object, or line of text) and line numbers
so that a quarantined record can be shown and corrected whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontdoor_app.profile import NOTIFICATION_FIELDS, PERSON_FIELDS

from .fields import clean

REQUIRED_NOTIFICATION = (
    "police_ref",
    "received_at",
    "incident_at",
    "dash_risk",
    "address",
    "postcode",
)
REQUIRED_PERSON = ("person_role", "surname")
CSV_REQUIRED = REQUIRED_NOTIFICATION + REQUIRED_PERSON

Values = dict[str, str]
# A narrative may be long (the format allows 20,000 characters; a longer one is quarantined
# with a message, not refused with the whole file by the csv module's own 128 KB limit).
FIELD_LIMIT = 16 * 1024 * 1024


class FeedUnreadable(Exception):
    """The file cannot be read at all; nothing was changed. The message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReadProblem:
    """A problem found while reading (before any field is checked)."""

    field: str
    value: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class RawRecord:
    """One notification as sent: its notification-level and person-level values as text."""

    police_ref: str | None
    lines: tuple[int, ...]
    kind: str  # csv | json | text
    notification_rows: tuple[tuple[int, Values], ...]
    persons: tuple[tuple[int, Values], ...]
    raw: Any
    problems: tuple[ReadProblem, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Feed:
    file_name: str
    file_hash: str
    kind: str
    records: tuple[RawRecord, ...]
    rows_read: int


def read_feed(path: Path, columns: Mapping[str, str]) -> Feed:
    """Read ``path``; raises ``FeedUnreadable`` when it is not a feed at all."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedUnreadable(f"cannot open {path.name}: {exc.strerror or exc}") from exc
    return parse_feed(data, path.name, columns)


def parse_feed(data: bytes, file_name: str, columns: Mapping[str, str]) -> Feed:
    file_hash = hashlib.sha256(data).hexdigest()
    text = decode(data)
    if not text.strip():
        raise FeedUnreadable(f"{file_name} is empty")
    lowered = file_name.lower()
    first = text.lstrip()[:1]
    if lowered.endswith((".json", ".jsonl", ".ndjson")) or first in "[{":
        records, rows = _read_json(text, columns)
        kind = "json"
    else:
        records, rows = _read_csv(text, columns)
        kind = "csv"
    return Feed(file_name, file_hash, kind, tuple(records), rows)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252; anything else is refused."""
    if b"\x00" in data[:4096]:
        raise FeedUnreadable(
            "the file is not text (it looks like a binary file); expected a CSV or JSON export"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FeedUnreadable(
            f"the file's text encoding is neither UTF-8 nor Windows-1252 "
            f"(byte {exc.start + 1} cannot be read)"
        ) from exc


def map_key(name: str, columns: Mapping[str, str]) -> str | None:
    return columns.get(name.strip().lower())


# --- CSV ---------------------------------------------------------------------------------


def _read_csv(text: str, columns: Mapping[str, str]) -> tuple[list[RawRecord], int]:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FeedUnreadable(f"the file has no header row ({exc})") from exc
    mapped = [map_key(cell, columns) for cell in header]
    known = {f for f in mapped if f}
    if not known:
        raise FeedUnreadable(
            "the first line is not a header naming the columns (police_ref, received_at, "
            "surname, …); expected a CSV export of the police feed"
        )
    missing = [f for f in CSV_REQUIRED if f not in known]
    if missing:
        raise FeedUnreadable(
            "the header has no column for " + ", ".join(missing) + "; if the force names it "
            "differently, map it in the authority profile's [intake.columns]"
        )
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    order: list[str | int] = []
    loose: list[tuple[int, list[str]]] = []
    rows = 0
    previous_line = reader.line_num
    ref_index = mapped.index("police_ref")
    try:
        for cells in reader:
            start = previous_line + 1
            previous_line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            rows += 1
            ref = cells[ref_index].strip() if ref_index < len(cells) else ""
            if ref:
                if ref not in groups:
                    groups[ref] = []
                    order.append(ref)
                groups[ref].append((start, cells))
            else:
                order.append(len(loose))
                loose.append((start, cells))
    except csv.Error as exc:
        raise FeedUnreadable(f"line {reader.line_num}: not valid CSV ({exc})") from exc
    records = []
    for key in order:
        if isinstance(key, str):
            records.append(_csv_record(key, groups[key], header, mapped))
        else:
            records.append(_csv_record(None, [loose[key]], header, mapped))
    return records, rows


def _csv_record(
    ref: str | None, rows: list[tuple[int, list[str]]], header: list[str], mapped: list[str | None]
) -> RawRecord:
    notification_rows: list[tuple[int, Values]] = []
    persons: list[tuple[int, Values]] = []
    raw_rows: list[dict[str, Any]] = []
    problems: list[ReadProblem] = []
    extra: dict[str, str] = {}
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(
                ReadProblem(
                    "(row)",
                    f"{len(cells)} values",
                    f"expected {len(header)} values, one per column of the header",
                    line,
                )
            )
        note: Values = {}
        person: Values = {}
        raw: dict[str, str] = {}
        for i, cell in enumerate(cells):
            name = header[i].strip() if i < len(header) else f"column {i + 1}"
            if name in raw:  # a column name used twice: both values are kept
                name = f"{name} (column {i + 1})"
            raw[name] = cell
            target = mapped[i] if i < len(mapped) else None
            if target is None:
                extra.setdefault(name, cell)
            elif target in PERSON_FIELDS:
                person.setdefault(target, cell)
            else:
                note.setdefault(target, cell)
        notification_rows.append((line, note))
        persons.append((line, person))
        raw_rows.append({"line": line, "values": raw})
    lines = tuple(line for line, _ in rows)
    raw_record = {"format": "csv", "columns": [h.strip() for h in header], "rows": raw_rows}
    return RawRecord(
        ref,
        lines,
        "csv",
        tuple(notification_rows),
        tuple(persons),
        raw_record,
        tuple(problems),
        extra,
    )


# --- JSON --------------------------------------------------------------------------------


def _read_json(text: str, columns: Mapping[str, str]) -> tuple[list[RawRecord], int]:
    stripped = text.lstrip()
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        if stripped.startswith("["):
            raise FeedUnreadable(
                f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "a JSON array must be valid as a whole"
            ) from exc
        if not _first_line_is_json(stripped):
            # Not JSON Lines either (one object a line): a broken JSON document.
            raise FeedUnreadable(
                f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                "expected a JSON array or JSON Lines (one notification object a line)"
            ) from exc
        return _read_json_lines(text, columns)
    if isinstance(whole, list):
        lines = _element_lines(text)
        records = [
            json_record(obj, (line,), columns) for obj, line in zip(whole, lines, strict=True)
        ]
        return records, len(records)
    if isinstance(whole, dict):
        line = text[: len(text) - len(stripped)].count("\n") + 1
        return [json_record(whole, (line,), columns)], 1
    raise FeedUnreadable("expected a JSON array of notifications or JSON Lines")


def _first_line_is_json(text: str) -> bool:
    try:
        return isinstance(json.loads(text.splitlines()[0]), dict)
    except (json.JSONDecodeError, IndexError):
        return False


def _read_json_lines(text: str, columns: Mapping[str, str]) -> tuple[list[RawRecord], int]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(
                RawRecord(
                    None,
                    (number,),
                    "text",
                    (),
                    (),
                    {"format": "text", "text": line},
                    (
                        ReadProblem(
                            "(line)",
                            _short(line),
                            f"not valid JSON ({exc.msg}, column {exc.colno})",
                            number,
                        ),
                    ),
                )
            )
            continue
        records.append(json_record(obj, (number,), columns))
    return records, len(records)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _element_lines(text: str) -> list[int]:
    """The line on which each element of a (valid) top-level JSON array starts."""
    decoder = json.JSONDecoder()
    out: list[int] = []
    index = text.index("[") + 1
    line = text.count("\n", 0, index) + 1
    length = len(text)
    while True:
        while index < length and text[index] in " \t\r\n,":
            if text[index] == "\n":
                line += 1
            index += 1
        if index >= length or text[index] == "]":
            return out
        out.append(line)
        _, end = decoder.raw_decode(text, index)
        line += text.count("\n", index, end)
        index = end


def json_record(obj: Any, lines: tuple[int, ...], columns: Mapping[str, str]) -> RawRecord:
    """A raw record from one notification object (also used for corrected records)."""
    line = lines[0] if lines else None
    if not isinstance(obj, dict):
        return RawRecord(
            None,
            lines,
            "json",
            (),
            (),
            {"format": "json", "object": obj},
            (
                ReadProblem(
                    "(record)",
                    _short(json.dumps(obj, ensure_ascii=False)),
                    "expected a notification object with named fields",
                    line,
                ),
            ),
        )
    note: Values = {}
    extra: dict[str, str] = {}
    problems: list[ReadProblem] = []
    persons: list[tuple[int, Values]] = []
    raw_persons: Any = None
    for key, value in obj.items():
        if key.strip().lower() == "persons":
            raw_persons = value
            continue
        target = map_key(key, columns)
        if target is None:
            extra[key] = clean(value) if not isinstance(value, dict | list) else json.dumps(value)
        elif target in NOTIFICATION_FIELDS:
            note[target] = _text(value)
        else:
            problems.append(
                ReadProblem(
                    key, _text(value), "a person's field belongs in the 'persons' list", line
                )
            )
    if not isinstance(raw_persons, list):
        problems.append(
            ReadProblem(
                "persons",
                _short(json.dumps(raw_persons, ensure_ascii=False)),
                "expected a 'persons' list of person objects",
                line,
            )
        )
    else:
        for index, person in enumerate(raw_persons):
            if not isinstance(person, dict):
                problems.append(
                    ReadProblem(
                        f"persons[{index + 1}]",
                        _short(json.dumps(person, ensure_ascii=False)),
                        "expected a person object",
                        line,
                    )
                )
                continue
            values: Values = {}
            for key, value in person.items():
                target = map_key(key, columns)
                if target in PERSON_FIELDS:
                    values[target] = _text(value)
                else:
                    extra[f"persons[{index + 1}].{key}"] = _text(value)
            persons.append((line or 0, values))
    ref = clean(note.get("police_ref")) or None
    raw = {"format": "json", "object": obj}
    return RawRecord(
        ref, lines, "json", ((line or 0, note),), tuple(persons), raw, tuple(problems), extra
    )


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)

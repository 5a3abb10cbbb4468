"""Building police feed files for the intake tests (CSV and JSON), and counting rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from frontdoor_app.demo.feed import make_feed
from frontdoor_app.models import (
    AuditEvent,
    Household,
    HouseholdMember,
    ImportBatch,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
    QuarantinedRecord,
    utcnow,
)
from frontdoor_app.profile import FEED_FIELDS

# shared/formats/sample-feed.csv, as the format document ships it.
SAMPLE_FEED = """\
police_ref,force,received_at,incident_at,incident_type,offence,dash_risk,dash_yes,address,postcode,children_present,weapon,alcohol,drugs,pregnancy,narrative,officer,person_role,surname,forenames,dob,age,gender,relationship_to_victim,person_address,person_postcode,school,nhs_number,pnc_id,force_internal_code
13260450011,West Yorkshire Police,2026-11-21T06:55:00,2026-11-20T23:05:00,domestic crime,Assault occasioning actual bodily harm,high,16,"41 Sample Avenue, Leeds",LS8 3QT,Y,N,Y,,,"Officers attended after a 999 call from a neighbour.
Victim had a cut lip; suspect arrested at scene, later bailed with conditions not to contact the victim.",PC 4711,victim,Hussain,Amina,1994-05-02,,F,,,,,9385708392,,X1
13260450011,West Yorkshire Police,2026-11-21T06:55:00,2026-11-20T23:05:00,domestic crime,Assault occasioning actual bodily harm,high,16,"41 Sample Avenue, Leeds",LS8 3QT,Y,N,Y,,,"Officers attended after a 999 call from a neighbour.
Victim had a cut lip; suspect arrested at scene, later bailed with conditions not to contact the victim.",PC 4711,perpetrator,Hussain,Tariq,1991-09-17,,M,partner,,,,,,X1
13260450011,West Yorkshire Police,2026-11-21T06:55:00,2026-11-20T23:05:00,domestic crime,Assault occasioning actual bodily harm,high,16,"41 Sample Avenue, Leeds",LS8 3QT,Y,N,Y,,,"Officers attended after a 999 call from a neighbour.
Victim had a cut lip; suspect arrested at scene, later bailed with conditions not to contact the victim.",PC 4711,child,Hussain,Zara,2016-01-09,,,child,,,Sample Primary School,,,X1
13260450011,West Yorkshire Police,2026-11-21T06:55:00,2026-11-20T23:05:00,domestic crime,Assault occasioning actual bodily harm,high,16,"41 Sample Avenue, Leeds",LS8 3QT,Y,N,Y,,,"Officers attended after a 999 call from a neighbour.
Victim had a cut lip; suspect arrested at scene, later bailed with conditions not to contact the victim.",PC 4711,child,Hussain,Yusuf,2025-03-30,,,child,,,,,,X1
13260450027,West Yorkshire Police,22/11/2026 07:20,21/11/2026 19:40,domestic incident,,M,8,"Flat 2, 9 Example Court, Leeds",ls12 4ab,N,N,Y,,,Verbal argument over child contact; no injuries.,PC 4711,aggrieved,Nowak,Katarzyna,1988-11-12,,F,,,,,,,X1
13260450027,West Yorkshire Police,22/11/2026 07:20,21/11/2026 19:40,domestic incident,,M,8,"Flat 2, 9 Example Court, Leeds",ls12 4ab,N,N,Y,,,Verbal argument over child contact; no injuries.,PC 4711,suspect,Nowak,Marek,1986-02-03,,M,ex-partner,"3 Other Street, Leeds",LS13 2XY,,,,X1
13260450027,West Yorkshire Police,22/11/2026 07:20,21/11/2026 19:40,domestic incident,,M,8,"Flat 2, 9 Example Court, Leeds",ls12 4ab,N,N,Y,,,Verbal argument over child contact; no injuries.,PC 4711,child,Nowak,Ola,2014-06-06,,,,,,Example High School,,,X1
13260450032,West Yorkshire Police,2026-11-22T08:10:00,2026-11-22T01:30:00,domestic incident,,standard,3,"7 Illustration Road, Leeds",LS27 0QP,Y,N,Y,,Y,Argument; victim is 24 weeks pregnant.,PC 4711,victim,Smith,Chloe,2002-07-21,,F,,,,,,,X1
13260450032,West Yorkshire Police,2026-11-22T08:10:00,2026-11-22T01:30:00,domestic incident,,standard,3,"7 Illustration Road, Leeds",LS27 0QP,Y,N,Y,,Y,Argument; victim is 24 weeks pregnant.,PC 4711,perpetrator,Jones,Liam,2000-12-01,,M,partner,,,,,,X1
13260450040,West Yorkshire Police,2026-11-22T09:45:00,2026-11-21T16:00:00,domestic incident,,medium,11,"15 Demo Lane, Leeds",LS14 6NR,Y,N,Y,,,Adolescent to parent violence: son pushed mother during an argument.,PC 4711,victim,Nguyễn,Thị Lan,1979-03-15,,F,,,,,,,X1
13260450040,West Yorkshire Police,2026-11-22T09:45:00,2026-11-21T16:00:00,domestic incident,,medium,11,"15 Demo Lane, Leeds",LS14 6NR,Y,N,Y,,,Adolescent to parent violence: son pushed mother during an argument.,PC 4711,perpetrator,Nguyễn,Minh,2009-08-08,,M,child,,,,,,X1
13260450040,West Yorkshire Police,2026-11-22T09:45:00,2026-11-21T16:00:00,domestic incident,,medium,11,"15 Demo Lane, Leeds",LS14 6NR,Y,N,Y,,,Adolescent to parent violence: son pushed mother during an argument.,PC 4711,child,Nguyễn,Anh,2013-10-10,,,,,,Demo Academy,,,X1
"""

NOW = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)


def feed_so_far(session: Any, seed: int, count: int, today: dt.date, profile: Any) -> list[Any]:
    """Today's feed as received by now: run after midnight, today's window is still open,
    and a notification "received" later this morning would be refused as in the future."""
    until = utcnow() - dt.timedelta(minutes=5)
    return make_feed(session, seed, count, received_on=today, profile=profile, until=until)


def person(
    role: str, surname: str, forenames: str = "", dob: str = "", **more: str
) -> dict[str, str]:
    return {"person_role": role, "surname": surname, "forenames": forenames, "dob": dob, **more}


def notification(
    ref: str, persons: list[dict[str, str]] | None = None, **more: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "police_ref": ref,
        "force": "West Yorkshire Police",
        "received_at": "2026-11-22T07:15:00",
        "incident_at": "2026-11-21T23:05:00",
        "incident_type": "domestic incident",
        "offence": "",
        "dash_risk": "medium",
        "dash_yes": "8",
        "address": "12 Test Street, Leeds",
        "postcode": "LS9 8AB",
        "children_present": "Y",
        "weapon": "N",
        "alcohol": "N",
        "drugs": "",
        "pregnancy": "",
        "narrative": "Verbal argument; no injuries.",
        "officer": "PC 4711",
    }
    base.update(more)
    base["persons"] = (
        persons
        if persons is not None
        else [
            person("victim", "Walker", "Chloe", "1990-04-02", gender="F"),
            person(
                "perpetrator",
                "Walker",
                "Dean",
                "1988-01-15",
                gender="M",
                relationship_to_victim="partner",
            ),
            person("child", "Walker", "Ruby", "2020-06-01"),
        ]
    )
    return base


def csv_text(notifications: list[dict[str, Any]], extra_columns: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FEED_FIELDS, *extra_columns])
    for n in notifications:
        for p in n["persons"]:
            row = {**{k: v for k, v in n.items() if k != "persons"}, **p}
            writer.writerow([row.get(k, "") for k in (*FEED_FIELDS, *extra_columns)])
    return out.getvalue()


def write_csv(
    folder: Path,
    name: str,
    notifications: list[dict[str, Any]],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
    extra_columns: tuple[str, ...] = (),
) -> Path:
    text = (
        csv_text(notifications, extra_columns).replace("\n", newline)
        if newline != "\n"
        else (csv_text(notifications, extra_columns))
    )
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path = folder / name
    path.write_bytes(data)
    return path


def write_json(
    folder: Path, name: str, notifications: list[dict[str, Any]], lines: bool = False
) -> Path:
    path = folder / name
    if lines:
        path.write_text(
            "\n".join(json.dumps(n, ensure_ascii=False) for n in notifications) + "\n",
            encoding="utf-8",
        )
    else:
        path.write_text(json.dumps(notifications, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def rows_of(notifications: list[dict[str, Any]]) -> int:
    return sum(len(n["persons"]) for n in notifications)


COUNTED = (
    Notification,
    NotificationPerson,
    Person,
    Household,
    HouseholdMember,
    PersonLink,
    QuarantinedRecord,
)


def table_counts(sessions: Any) -> dict[str, int]:
    with sessions() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def batch_count(sessions: Any) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(ImportBatch)) or 0)


def audit_events(sessions: Any, entity: str, action: str) -> list[AuditEvent]:
    with sessions() as s:
        return list(
            s.scalars(
                select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == action)
            )
        )

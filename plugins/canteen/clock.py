"""The community's clock: communities are in China, so times on pages and in forms are China
Standard Time; the database keeps aware UTC."""

from __future__ import annotations

import datetime as dt

CST = dt.timezone(dt.timedelta(hours=8), "CST")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return dt.datetime.now(CST).date()


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CST)


def local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return aware(moment).astimezone(CST).strftime("%Y-%m-%d %H:%M")


def hhmm(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return aware(moment).astimezone(CST).strftime("%H:%M")

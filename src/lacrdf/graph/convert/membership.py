"""membership: the converter of MembershipRecord (see lacrdf.records.kinds.membership for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.membership import MembershipRecord
from lacrdf.vocab import W3C


def convert(rec: MembershipRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(f"{ctx.label(rec.member)}: {rec.role.replace('-', ' ')} of {ctx.label(rec.organization)}", "role")
    out.refs(W3C.ORG_MEMBER, rec.member, "member")
    out.refs(W3C.ORG_ORGANIZATION, rec.organization, "organization")
    out.concept(W3C.ORG_ROLE, "role", rec.role, "role")
    out.date(ctx.lac.startDate, rec.since, "since")
    return out.items


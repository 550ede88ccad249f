"""Who is acting. Services and selectors take an Actor so the same rules hold for the API, the
browser and the batch, and so scoping (a caseworker sees only their jobcenters' citizens) and the
audit log live in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from samtale.citizens.models import Citizen
    from samtale.organisations.models import AKasse, Caseworker

ActorKind = Literal["admin", "caseworker", "citizen", "system", "dfdg", "akasse"]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    caseworker: Caseworker | None = None
    citizen: Citizen | None = None
    akasse: AKasse | None = None
    _jobcenter_ids: frozenset[int] | None = field(default=None, compare=False)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label=label)

    @classmethod
    def for_caseworker(cls, caseworker: Caseworker) -> Actor:
        return cls(
            kind="caseworker",
            label=caseworker.ident,
            caseworker=caseworker,
            _jobcenter_ids=frozenset(caseworker.jobcenters.values_list("id", flat=True)),
        )

    @classmethod
    def for_citizen(cls, citizen: Citizen) -> Actor:
        return cls(kind="citizen", label="borger", citizen=citizen)

    @property
    def jobcenter_ids(self) -> frozenset[int]:
        """The jobcenters whose citizens this actor may see. Admin and system see all (None)."""
        return self._jobcenter_ids or frozenset()

    @property
    def sees_all_jobcenters(self) -> bool:
        return self.kind in ("admin", "system")

    @property
    def is_audited(self) -> bool:
        """Reads and changes by caseworkers and integrations are logged; a citizen's own reads and
        the batch are not access in the sense of the access log."""
        return self.kind in ("admin", "caseworker", "dfdg", "akasse")

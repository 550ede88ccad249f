from samtale.core import demo
from samtale.deadlines.models import Deadline, DeadlineChange


def test_demo_deadlines_every_status_and_idempotent(db):
    demo.load()
    statuses = set(Deadline.objects.values_list("status", flat=True))
    assert {"not_activated", "active", "fulfilled", "closed_admin"} <= statuses
    assert DeadlineChange.objects.filter(new_status="closed_overdue").exists()
    count = Deadline.objects.count()
    demo.load()
    assert Deadline.objects.count() == count

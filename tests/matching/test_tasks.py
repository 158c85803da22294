import datetime as dt

from matching import services, tasks
from matching.models import IndexChange


def test_expire_task(world):
    expert = world.expert()
    services.invitation_create(actor=world.boss, demand=world.demand, expert=expert,
                               expires_on=dt.date.today())
    assert tasks.expire_invitations.delay().get() == 0          # due today: still open


def test_prune_keeps_newest(world):
    world.expert()
    IndexChange.objects.update(at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    n = IndexChange.objects.count()
    assert tasks.prune_index_changes.delay(keep_days=1).get() == n - 1
    assert IndexChange.objects.count() == 1


def test_warm_index(world):
    world.expert()
    assert tasks.warm_index.delay().get() == 1

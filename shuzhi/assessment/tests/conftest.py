import pytest


@pytest.fixture(autouse=True)
def _own_attachment_storage(attachment_root):
    """Each test stores the evidence files of checks in its own folder (the root conftest's attachment_root)."""
    return attachment_root


@pytest.fixture
def inspector(college, cycle):
    """The committee member, named inspector of the cycle by the org dept."""
    from shuzhi.assessment import services
    from shuzhi.orgs.models import Person

    services.name_inspector(college.org_dept, cycle, Person.objects.get(user=college.committee_member))
    return college.committee_member

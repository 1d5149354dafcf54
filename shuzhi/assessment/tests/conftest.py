import pytest


@pytest.fixture(autouse=True)
def attachment_root(tmp_path, settings):
    """Each test's own storage folder for the evidence files of checks."""
    root = tmp_path / "attachment-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
        },
    }
    return root


@pytest.fixture
def inspector(college, cycle):
    """The committee member, named inspector of the cycle by the org dept."""
    from shuzhi.assessment import services
    from shuzhi.orgs.models import Person

    services.name_inspector(college.org_dept, cycle, Person.objects.get(user=college.committee_member))
    return college.committee_member

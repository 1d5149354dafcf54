import pytest


@pytest.fixture(autouse=True)
def attachment_root(tmp_path, settings):
    """Each test's own storage folder for the "attachments" storage."""
    root = tmp_path / "attachment-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
        },
    }
    return root

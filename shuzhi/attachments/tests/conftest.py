import pytest


@pytest.fixture(autouse=True)
def _own_attachment_storage(attachment_root):
    """Each test stores the evidence files in its own folder (the root conftest's attachment_root)."""
    return attachment_root

"""Django's admin is read-only for everyone: not even a superuser of the org dept can add, change or
delete a user, a group, a role or a record there, past the services and the audit log."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from shuzhi.orgs.models import Position


@pytest.fixture
def org_dept_superuser(college):
    user = college.org_dept
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_no_registered_model_can_be_added_changed_or_deleted_in_the_admin(org_dept_superuser, rf):
    request = rf.get("/django-admin/")
    request.user = org_dept_superuser
    assert admin.site._registry  # the admin is there to browse
    for model, model_admin in admin.site._registry.items():
        obj = model.objects.first()
        allowed = [
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_change_permission(request, obj),
            model_admin.has_delete_permission(request),
            model_admin.has_delete_permission(request, obj),
        ]
        assert not any(allowed), model
        assert model_admin.has_view_permission(request)


def _url(obj, view: str) -> str:
    return f"/django-admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/{view}/"


def test_the_org_dept_superuser_cannot_post_a_change_to_a_user_in_the_admin(org_dept_superuser, client_for, college):
    client = client_for(org_dept_superuser)
    target = college.outsider
    page = client.get(_url(target, "change"))
    assert page.status_code == 200 and b'name="username"' not in page.content  # shown, not as a form
    response = client.post(
        _url(target, "change"),
        {
            "username": "changed",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(
            _url(target, "password"), {"password1": "Neu-Passwort-123", "password2": "Neu-Passwort-123"}
        ).status_code
        == 403
    )
    assert client.post(_url(target, "delete"), {"post": "yes"}).status_code == 403
    assert (
        client.post(
            "/django-admin/accounts/user/add/",
            {"username": "new", "password1": "Xx-123456789", "password2": "Xx-123456789"},
        ).status_code
        == 403
    )
    target.refresh_from_db()
    assert target.username != "changed" and not target.is_superuser
    assert not get_user_model().objects.filter(username="new").exists()


@pytest.mark.parametrize("model", [Position, Group])
def test_the_org_dept_superuser_cannot_post_a_change_to_any_model_in_the_admin(org_dept_superuser, client_for, model):
    client = client_for(org_dept_superuser)
    obj = model.objects.first() or Group.objects.create(name="组")
    assert client.post(_url(obj, "change"), {"name": "改"}).status_code == 403
    assert client.post(_url(obj, "delete"), {"post": "yes"}).status_code == 403
    changelist = f"/django-admin/{obj._meta.app_label}/{obj._meta.model_name}/"
    assert client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    ).status_code in (200, 302, 403)
    assert model.objects.filter(pk=obj.pk).exists()

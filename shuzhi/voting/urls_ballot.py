"""The public ballot, mounted at /v/ (no login)."""

from django.urls import path

from shuzhi.voting import views_ballot

app_name = "ballot"
urlpatterns = [
    path("", views_ballot.enter, name="enter"),
    path("<str:code>/", views_ballot.ballot, name="form"),
]

"""Ballot design pages of a meeting's vote, mounted at /meetings/<meeting_id>/vote-design/: set-up (voter
categories, ballot form, rehearsals incl. wiping) and, after closing, breakdown, seal, archive."""

from django.urls import path

from shuzhi.voting import views_design

app_name = "vote_design"
urlpatterns = [
    path("", views_design.index, name="index"),
    path("rehearsal/", views_design.start_rehearsal, name="start_rehearsal"),
    path("<int:survey_id>/", views_design.design, name="design"),
    path("<int:survey_id>/categories/", views_design.categories, name="categories"),
    path("<int:survey_id>/form/", views_design.survey_form, name="form"),
    path("<int:survey_id>/preview/", views_design.preview, name="preview"),
    path("<int:survey_id>/wipe/", views_design.wipe, name="wipe"),
    path("<int:survey_id>/breakdown/", views_design.breakdown, name="breakdown"),
    path("<int:survey_id>/verify/", views_design.verify, name="verify"),
    path("<int:survey_id>/archive.xlsx", views_design.archive_xlsx, name="archive_xlsx"),
    path("<int:survey_id>/archive.csv", views_design.archive_csv, name="archive_csv"),
]

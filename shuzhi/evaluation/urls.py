from django.urls import path

from shuzhi.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("cycles/<int:cycle_id>/scheme/", views.scheme, name="scheme"),
    path("groups/<int:group_id>/", views.grading, name="grading"),
    path("groups/<int:group_id>/quota/", views.quota_preview, name="quota"),
    path("groups/<int:group_id>/propose/", views.propose, name="propose"),
    path("groups/<int:group_id>/reviews/<int:member_id>/grade/", views.change_grade, name="change_grade"),
    path("groups/<int:group_id>/reviews/<int:member_id>/score/", views.reviewer_score, name="reviewer_score"),
    path("groups/<int:group_id>/submit/", views.submit, name="submit"),
    path("groups/<int:group_id>/reopen/", views.reopen, name="reopen"),
    path("reviews/<int:review_id>/", views.breakdown, name="breakdown"),
    path("reviews/<int:review_id>/opinion/", views.opinion_editor, name="opinion"),
]

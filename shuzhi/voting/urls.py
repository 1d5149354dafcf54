"""The organiser's pages of a meeting's vote, at /meetings/<meeting_id>/vote/: running it (codes,
open/close, paper, live screen, results); and a presenter's own result at /reviews/<review_id>/result/.
Set-up and rehearsals: urls_design (/vote-design/)."""

from django.urls import include, path

from shuzhi.voting import views, views_review

app_name = "voting"
meeting_vote = [
    path("", views.manage, name="manage"),
    path("<int:survey_id>/issue/", views.issue, name="issue"),
    path("<int:survey_id>/open/", views.open_vote, name="open"),
    path("<int:survey_id>/close/", views.close_vote, name="close"),
    path("<int:survey_id>/cards/", views.cards, name="cards"),
    path("<int:survey_id>/paper-sheets/", views.paper_sheets, name="paper_sheets"),
    path("<int:survey_id>/paper/", views.paper, name="paper"),
    path("<int:survey_id>/paper/mode/", views.paper_mode, name="paper_mode"),
    path("<int:survey_id>/paper/<int:entry_id>/withdraw/", views.paper_withdraw, name="paper_withdraw"),
    path("<int:survey_id>/live/", views.live, name="live"),
    path("<int:survey_id>/live/turnout/", views.live_fragment, name="live_fragment"),
    path("<int:survey_id>/results/", views.results, name="results"),
    path("<int:survey_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:survey_id>/receipts/", views.receipts, name="receipts"),
]

urlpatterns = [
    path("meetings/<int:meeting_id>/vote/", include(meeting_vote)),
    path("reviews/<int:review_id>/result/", views_review.review_result, name="review_result"),
]

from django.urls import path

from shuzhi.cycles import group_views, preparation_views, prior_problem_views, views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.open_cycle, name="open"),
    path("mine/", views.mine, name="mine"),
    path("<int:cycle_id>/", views.cycle_detail, name="detail"),
    path("<int:cycle_id>/edit/", views.cycle_edit, name="edit"),
    path("<int:cycle_id>/advance/", views.cycle_advance, name="advance"),
    path("<int:cycle_id>/groups/<int:group_id>/", group_views.group_detail, name="group"),
    path("<int:cycle_id>/groups/<int:group_id>/move/", group_views.group_move, name="group_move"),
    path("<int:cycle_id>/progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path("<int:cycle_id>/prior-problems/", prior_problem_views.prior_problems, name="prior_problems"),
    path(
        "<int:cycle_id>/prior-problems/import/", prior_problem_views.prior_problems_import, name="prior_problems_import"
    ),
    path(
        "<int:cycle_id>/prior-problems/<int:problem_id>/withdraw/",
        prior_problem_views.prior_problem_withdraw,
        name="prior_problem_withdraw",
    ),
    path(
        "<int:cycle_id>/prior-problems/template.xlsx",
        prior_problem_views.prior_problems_template,
        name="prior_problems_template",
    ),
    path("review/<int:review_id>/preparation/", preparation_views.preparation, name="preparation"),
    path("review/<int:review_id>/preparation/done/", preparation_views.mark_done, name="preparation_done"),
    path("review/<int:review_id>/preparation/<str:kind>/add/", preparation_views.add_item, name="preparation_add"),
    path(
        "review/<int:review_id>/preparation/items/<int:item_id>/withdraw/",
        preparation_views.withdraw_item,
        name="preparation_withdraw",
    ),
]

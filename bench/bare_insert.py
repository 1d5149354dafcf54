"""The reference figure: a bare Django endpoint doing only the two writes of a vote.

    .venv/bin/python bench/bare_insert.py --database sqlite|postgres [vote_load.py options]

runs bench/vote_load.py against /bare/<code>/ instead of the real ballot /v/<code>/: the same
gunicorn, settings, middleware (CSRF included), data and load (200 phones, each GET then POST), so
the difference is the app's own work. GET returns a minimal form with the CSRF token (no query);
POST, in one transaction, does what services.cast_ballot boils down to:

    UPDATE voting_ballotcode SET status='used', sealed_code='' WHERE code_hash=%s AND status='unused'
        RETURNING category_id, survey_id
    INSERT INTO voting_ballot (...) VALUES (...)

and answers with the receipt — no survey lookup, no ballot validation, no throttle, no template.
`vote_load.py --endpoint both` measures the two one after the other and prints the ratio.

When gunicorn serves with BENCH_BARE=1 this module is also the URLconf (see bench_site.py).
"""

from __future__ import annotations

import json
import sys
import uuid


def bare_ballot(request, code):
    from django.db import connection, transaction
    from django.http import HttpResponse, HttpResponseNotAllowed
    from django.middleware.csrf import get_token

    from shuzhi.voting import codes as codelib

    if request.method == "GET":
        return HttpResponse(
            f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}"></form>'
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    ratings = {k[2:]: v for k, v in request.POST.items() if k.startswith("r_") and v}
    suggestions = {k[2:]: v for k, v in request.POST.items() if k.startswith("s_") and v.strip()}
    receipt = codelib.new_receipt()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ballotcode SET status = 'used', sealed_code = '' WHERE code_hash = %s "
            "AND status = 'unused' RETURNING category_id, survey_id",
            [codelib.code_hash(code)],
        )
        row = cursor.fetchone()
        if row is None:
            return HttpResponse("used", status=409)
        cursor.execute(
            "INSERT INTO voting_ballot (id, survey_id, category_id, receipt, ratings, item_ratings, suggestions, "
            "overall_suggestion, is_paper) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                uuid.uuid4().hex,
                row[1],
                row[0],
                receipt,
                json.dumps(ratings),
                "{}",
                json.dumps(suggestions),
                request.POST.get("overall", ""),
                False,
            ],
        )
    return HttpResponse(f'<p id="receipt">{receipt}</p>')


if __name__ == "__main__":  # the runner (the load generator's process: no Django here)
    import vote_load

    sys.exit(vote_load.cli(["--endpoint", "bare", *sys.argv[1:]]))
else:  # the URLconf, imported by the server's workers
    from django.urls import include, path

    urlpatterns = [
        path("bare/<str:code>/", bare_ballot),
        path("", include("shuzhi.urls")),
    ]

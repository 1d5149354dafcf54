"""The voting services, by concept, in their own modules (import from those in new code):

- voting/setup.py    creating a survey, voter categories and weights, the ballot form, issuing codes,
                     opening the vote, rehearsals;
- voting/casting.py  the public ballot: looking up a code, validating and casting a ballot, the guess
                     throttle;
- voting/paper.py    paper ballots entered by clerks;
- voting/closing.py  closing the vote: seal, rewrite and scrub, the stored results (VoteResult), and
                     verifying both afterwards; the archive table;
- voting/results.py  the results counted from the ballots (the recount), turnout, receipts, and reading
                     the stored results.

This module only re-exports their public names, for the many callers (tests, the API, the demo and
bench scripts) that import `shuzhi.voting.services`.
"""

from __future__ import annotations

import time  # noqa: F401 - tests patch services.time.time (the throttle window)

from shuzhi.voting import codes as codelib  # noqa: F401 - tests patch services.codelib.new_receipt
from shuzhi.voting.casting import (  # noqa: F401
    MAX_SUGGESTION_CHARS,
    BallotInput,
    BallotLookup,
    BallotRefused,
    cast_ballot,
    clean_ballot,
    guess_limit,
    look_up_code,
    note_failed_guess,
    refusal_for,
    survey_for_ballot,
    throttle_key,
    too_many_guesses,
    why_not_open,
)
from shuzhi.voting.closing import (  # noqa: F401
    SealCheck,
    archive_rows,
    ballot_payload,
    close_survey,
    digest,
    seal_digest_of,
    seal_of,
    verify_seal,
)
from shuzhi.voting.paper import (  # noqa: F401
    PaperResult,
    enter_paper_ballot,
    paper_mismatches,
    set_paper_double_entry,
    withdraw_paper_entry,
)
from shuzhi.voting.results import (  # noqa: F401
    PresenterSuggestions,
    Suggestions,
    SurveyResults,
    receipts,
    results,
    turnout,
)
from shuzhi.voting.setup import (  # noqa: F401
    MAX_CODES_PER_ISSUE,
    create_survey,
    form_for_meeting,
    issue_codes,
    open_survey,
    presenters_of,
    printable_codes,
    set_categories,
    set_cycle_ballot_form,
    set_survey_form,
    start_rehearsal,
    survey_locked,
    unsealed_codes,
    wipe_rehearsal,
)

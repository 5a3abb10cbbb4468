"""Failures reach people in words: a rule's refusal as a warning, anything else as an error."""

import logging

from frontdoor_app.fgc.errors import FgcError
from frontdoor_app.meeting.errors import MeetingError
from frontdoor_app.ui.core.messages import Messages


def test_a_refusal_is_a_warning_in_its_own_words_and_a_fault_an_error(qtbot, caplog):
    messages = Messages()
    messages.answer_next()  # scripted: no real box opens
    messages.failed(
        None, "Save decision", MeetingError("A rationale is needed: NFA on a MARAC case.")
    )
    messages.failed(None, "FGC", FgcError("The victim's consent is not recorded."))
    with caplog.at_level(logging.ERROR):
        messages.failed(None, "Save action", RuntimeError("disk full"))
    kinds = [(m.kind, m.text) for m in messages.log]
    assert kinds[0] == ("warning", "A rationale is needed: NFA on a MARAC case.")
    assert kinds[1] == ("warning", "The victim's consent is not recorded.")
    assert (
        kinds[2][0] == "error" and "disk full" in kinds[2][1] and "Nothing was lost" in kinds[2][1]
    )
    assert "Save action failed" in caplog.text


def test_the_import_and_user_refusals_are_warnings_too(qtbot):
    from frontdoor_app.access.users import UserError
    from frontdoor_app.intake.quarantine import QuarantineError

    messages = Messages()
    messages.answer_next()
    messages.failed(None, "Discard", QuarantineError("This record has already been discarded."))
    messages.failed(None, "Add", UserError("a representative needs an agency (--agency CODE)"))
    assert [(m.kind, m.text) for m in messages.log] == [
        ("warning", "This record has already been discarded."),
        ("warning", "a representative needs an agency (--agency CODE)"),
    ]

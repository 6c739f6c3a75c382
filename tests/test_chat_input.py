import pytest

from app.chat_input import MAX_MESSAGE_CHARS, RejectedMessage, clean_candidate_message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Bonjour  ", "Bonjour"),
        ("e\u0301te\u0301", "été"),  # decomposed accents are normalised (NFC)
        ("oui\x00\x07 merci\x1b", "oui merci"),  # control characters dropped
        ("ligne 1\nligne 2", "ligne 1\nligne 2"),
        ("Je veux être aide-soignante 👩‍⚕️", "Je veux être aide-soignante 👩‍⚕️"),
        ("مرحبا، أريد العمل", "مرحبا، أريد العمل"),  # right-to-left text is kept as is
    ],
)
def test_accepted_messages_are_normalised(raw: str, expected: str) -> None:
    assert clean_candidate_message(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "vide"),
        ("   \n\t ", "vide"),
        ("\x00\x01\x02", "vide"),
        ("a" * (MAX_MESSAGE_CHARS + 1), "trop long"),
        ("x" * 100_000, "trop long"),
    ],
)
def test_rejected_messages_explain_why_in_french(raw: str, reason: str) -> None:
    with pytest.raises(RejectedMessage) as caught:
        clean_candidate_message(raw)
    assert reason in caught.value.candidate_message


def test_limit_message_states_the_limit() -> None:
    with pytest.raises(RejectedMessage) as caught:
        clean_candidate_message("a" * 100_000)
    assert str(MAX_MESSAGE_CHARS) in caught.value.candidate_message

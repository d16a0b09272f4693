"""The Twilio-compatible SMS client against the local fake Twilio server."""

from __future__ import annotations

import pytest

from hireloop.integrations.sms import SmsError, SmsProvider, send_sms, verify_signature
from tests.fakes.twilio import fake_twilio, twilio_signature
from tests.smtp_server import free_port


def _provider(url: str, sid: str, token: str, **kw: float) -> SmsProvider:
    return SmsProvider(
        account_sid=sid, auth_token=token, from_number="+15005550006", base_url=url, **kw
    )


def test_a_message_is_accepted_with_the_providers_sid() -> None:
    with fake_twilio(callback_statuses=()) as fake:
        receipt = send_sms(
            _provider(fake.url, fake.account_sid, fake.auth_token),
            to="+639171234567",
            body="Hi Ana — PIN 123456",
            status_callback="https://hire.example.com/hooks/sms/status",
        )
    assert receipt.sid.startswith("SM") and len(receipt.sid) == 34
    assert receipt.status == "queued" and receipt.segments == 1
    [sent] = fake.messages
    assert (sent.sid, sent.to, sent.body) == (receipt.sid, "+639171234567", "Hi Ana — PIN 123456")
    assert sent.status_callback == "https://hire.example.com/hooks/sms/status"


def test_refusals_are_permanent_and_carry_the_providers_message() -> None:
    with fake_twilio(callback_statuses=()) as fake, pytest.raises(SmsError) as invalid:
        send_sms(_provider(fake.url, fake.account_sid, fake.auth_token), to="0917", body="x")
    assert invalid.value.permanent and invalid.value.code == 21211
    assert not invalid.value.configuration
    assert str(invalid.value) == "21211: The 'To' number 0917 is not a valid phone number."
    assert fake.messages == []


@pytest.mark.parametrize("status", [401, 403, 404])
def test_credentials_and_account_errors_are_configuration_faults_not_refusals(
    status: int,
) -> None:
    """A wrong or rotated auth token (401, Twilio 20003), a forbidden account (403) or a
    wrong Account SID (404, 20404) is not this message's fault: it may go once the
    settings are fixed, and the error says what to check."""
    with fake_twilio(callback_statuses=()) as fake:
        fake.fail_next = [status]
        with pytest.raises(SmsError) as failure:
            send_sms(
                _provider(fake.url, fake.account_sid, fake.auth_token), to="+639171234567", body="x"
            )
        with pytest.raises(SmsError) as unauthorized:
            send_sms(_provider(fake.url, fake.account_sid, "wrong"), to="+639171234567", body="x")
    for error in (failure.value, unauthorized.value):
        assert not error.permanent and error.configuration
        assert "HIRELOOP_SMS_AUTH_TOKEN" in str(error)
    assert failure.value.status_code == status
    assert unauthorized.value.status_code == 401 and unauthorized.value.code == 20003
    assert "20003: Authenticate" in str(unauthorized.value)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_server_errors_are_temporary(status: int) -> None:
    with fake_twilio(callback_statuses=()) as fake:
        fake.fail_next = [status]
        provider = _provider(fake.url, fake.account_sid, fake.auth_token)
        with pytest.raises(SmsError) as failure:
            send_sms(provider, to="+639171234567", body="x")
        assert not failure.value.permanent and failure.value.status_code == status
        assert send_sms(provider, to="+639171234567", body="x").status == "queued"


def test_timeouts_and_unreachable_providers_are_temporary() -> None:
    with (
        fake_twilio(callback_statuses=(), delay=1.0) as fake,
        pytest.raises(SmsError, match="timed out") as slow,
    ):
        send_sms(
            _provider(fake.url, fake.account_sid, fake.auth_token, timeout=0.2),
            to="+639171234567",
            body="x",
        )
    assert not slow.value.permanent
    with pytest.raises(SmsError, match="unreachable") as down:
        send_sms(
            _provider(f"http://127.0.0.1:{free_port()}", "AC1", "t"), to="+639171234567", body="x"
        )
    assert not down.value.permanent


def test_signatures_are_verified_as_twilio_documents() -> None:
    # The known-answer example Twilio publishes for its signature scheme.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    token = "12345"
    signature = twilio_signature(token, url, list(params.items()))
    assert signature == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert verify_signature(token, url, params, signature)
    assert not verify_signature(token, url, {**params, "Digits": "0000"}, signature)
    assert not verify_signature("other", url, params, signature)
    assert not verify_signature(None, url, params, signature)
    assert not verify_signature(token, url, params, None)


@pytest.mark.parametrize(
    "answer",
    [
        (201, {"Content-Type": "application/json"}, b""),
        (201, {"Content-Type": "text/html"}, b"<html>OK</html>"),
        (200, {"Content-Type": "application/json"}, b'{"status": "queued"}'),
        (201, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, b"not gzip"),
    ],
    ids=["empty", "html", "no-sid", "undecodable"],
)
def test_any_2xx_is_the_message_taken_even_with_an_unusable_answer(
    answer: tuple[int, dict[str, str], bytes],
) -> None:
    with fake_twilio(callback_statuses=()) as fake:
        fake.raw_next.append(answer)
        receipt = send_sms(
            _provider(fake.url, fake.account_sid, fake.auth_token), to="+639171234567", body="Hi"
        )
        assert len(fake.messages) == 1
    assert (receipt.sid, receipt.status) == (None, "queued")

from onevisit.demo.payments import demo_payments_load


def test_the_demo_has_the_gateway_key_and_says_where_notifications_go(settings, db):
    loaded = demo_payments_load()

    assert loaded["provider"] == "reference"
    assert loaded["notify_url"].endswith("/payments/notify/reference/")
    key = settings.ONEVISIT["KEY_DIR"] / "paygate-reference.key"
    assert loaded["key_file"] == str(key)
    assert oct(key.stat().st_mode & 0o777) == "0o600"

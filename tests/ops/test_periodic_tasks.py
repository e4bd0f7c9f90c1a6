"""The CRL's periodic publication: nothing without a CA, then a CRL validators can fetch,
published again only when it nears expiry or the revocations changed."""

from __future__ import annotations

import pytest
from cryptography import x509

from onevisit.certificates.seals import pki_dir, seal_ca_init
from onevisit.certificates.tasks import crl_refresh_task

pytestmark = pytest.mark.django_db


def test_crl_publication_needs_a_ca_and_then_republishes_what_changed(settings, tmp_path):
    settings.ONEVISIT = {**settings.ONEVISIT, "KEY_DIR": tmp_path / "keys",
                         "PKI_DIR": tmp_path / "pki"}
    assert crl_refresh_task.call() == {"revoked": None, "next_update": None}

    seal_ca_init(actor=None)
    first = crl_refresh_task.call()
    crl = x509.load_der_x509_crl((pki_dir() / "ca.crl").read_bytes())

    assert first["revoked"] == 0
    assert first["next_update"] == crl.next_update_utc.isoformat()
    assert crl_refresh_task.call() == first  # fresh: not published again

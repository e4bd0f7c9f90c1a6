"""Uploads sent in JSON: base64 content, decoded once for every endpoint that takes files."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _

from onevisit.applications.services import Upload
from onevisit.errors import InvalidInput


def upload_decode(*, key: str, filename: str, content_base64: str, field: str) -> Upload:
    """The upload, or InvalidInput naming `field` when the content is not base64."""
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(_("上传内容不是有效的 base64"), {field: _("无法解码上传内容")}) from exc
    return Upload(key=key, filename=filename, content=content)

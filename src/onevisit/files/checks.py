"""What an uploaded image or PDF becomes when it is opened, checked before it is stored or
read: a few kilobytes can decode to gigabytes (decompression bombs).

Images: the pixel count from the header (Pillow reads the header only; nothing is
decoded). PDFs: parsed by pyHanko with its decode limits, then every stream's filter chain
run through a bounded, incremental decoder that counts the bytes it would produce and
stops past the limit; an embedded image's pixel count is checked like an image's.
"""

from __future__ import annotations

import abc
import io
import warnings
import zlib
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.filters import ASCII85Decode, ASCIIHexDecode
from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

MB = 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
MAX_PDF_STREAM_BYTES = 50 * MB
MAX_PDF_TOTAL_BYTES = 200 * MB
_CHUNK = 64 * 1024


class UploadRefused(Exception):
    """The file is refused: `reason` says why, in the caller's language; `unreadable`
    tells a file that cannot be parsed from one that decodes to too much."""

    def __init__(self, reason: str, *, unreadable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable


def decoded_check(content: bytes, content_type: str) -> None:
    """Refuse (UploadRefused) an image or PDF that decodes to too much or cannot be read."""
    if content_type == "application/pdf":
        pdf_check(content)
    elif content_type.startswith("image/"):
        image_check(content)


def _too_many_pixels() -> UploadRefused:
    return UploadRefused(_("图片超过 %(limit)d 百万像素的上限")
                         % {"limit": MAX_IMAGE_PIXELS // 1_000_000})


def image_check(content: bytes) -> None:
    """A PNG or JPEG whose header Pillow reads and whose pixels are within the limit.
    Only the header is read: `Image.open` is lazy, and nothing here loads the pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=("PNG", "JPEG")) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:  # Pillow's own limit, far above ours
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused(_("图片文件已损坏，无法读取"), unreadable=True) from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()


# What pyHanko may decode while parsing (cross-reference and object streams), bounded by
# the same limits as the check's own decoding below.
_READ_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_ratio=None, max_output_size=MAX_PDF_STREAM_BYTES),
    per_purpose=dict(DEFAULT_PURPOSE_LIMITS),
    document_budget=DocumentDecodeBudget(base_allowance=MAX_PDF_TOTAL_BYTES, max_ratio=0),
)

# Filters whose output is not decoded by anyone here (image codecs: their size is the
# image's, checked by its /Width and /Height).
_IMAGE_FILTERS = frozenset({"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF",
                            "/JBIG2Decode"})


def _stream_too_big() -> UploadRefused:
    return UploadRefused(_("PDF 中有数据流解压后超过 %(limit)d MB")
                         % {"limit": MAX_PDF_STREAM_BYTES // MB})


def _total_too_big() -> UploadRefused:
    return UploadRefused(_("PDF 解压后的数据合计超过 %(limit)d MB")
                         % {"limit": MAX_PDF_TOTAL_BYTES // MB})


def _unreadable() -> UploadRefused:
    return UploadRefused(_("PDF 文件已损坏，无法读取"), unreadable=True)


def pdf_check(content: bytes) -> None:
    """A PDF pyHanko can parse, not encrypted, whose every stream decodes to at most
    MAX_PDF_STREAM_BYTES and all of them together to at most MAX_PDF_TOTAL_BYTES; its
    images within the pixel limit. Every revision's objects are checked, not only those
    the current one reaches."""
    total = 0
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False, decode_limits=_READ_LIMITS)
        if reader.encrypted:
            raise UploadRefused(_("PDF 文件已加密，请上传未加密的文件"), unreadable=True)
        if not isinstance(reader.root, generic.DictionaryObject):
            raise _unreadable()
        seen: set[tuple[int, int]] = set()
        for revision in range(reader.xrefs.total_revisions):
            resolver = reader.get_historical_resolver(revision)
            for ref in sorted(reader.xrefs.explicit_refs_in_revision(revision),
                              key=lambda r: (r.idnum, r.generation)):
                position = reader.xrefs.get_historical_ref(ref, revision)
                key = (ref.idnum, position if isinstance(position, int) else -1)
                if key in seen:
                    continue
                seen.add(key)
                obj = resolver(ref)
                if isinstance(obj, generic.StreamObject):
                    total += _stream_checked(obj, MAX_PDF_TOTAL_BYTES - total)
    except PdfDecodeLimitError as exc:
        raise _stream_too_big() from exc
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            AssertionError, NotImplementedError) as exc:
        raise _unreadable() from exc


def _stream_checked(stream: generic.StreamObject, budget: int) -> int:
    """The stream's decoded length, counted without keeping it; refused past the limits."""
    if stream.get("/Subtype") == "/Image":
        width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
        if width * height > MAX_IMAGE_PIXELS:
            raise UploadRefused(_("PDF 中的图片超过 %(limit)d 百万像素的上限")
                                % {"limit": MAX_IMAGE_PIXELS // 1_000_000})
    filters = stream.get("/Filter")
    names = ([str(f) for f in filters] if isinstance(filters, generic.ArrayObject)
             else [str(filters)] if filters is not None else [])
    chunks: Iterable[bytes] = [stream.encoded_data]
    for name in names:
        if name in _IMAGE_FILTERS:
            break
        chunks = _decoder(name)(chunks)
    cap = min(MAX_PDF_STREAM_BYTES, budget)
    length = 0
    for chunk in chunks:
        length += len(chunk)
        if length > cap:
            raise _stream_too_big() if cap == MAX_PDF_STREAM_BYTES else _total_too_big()
    return length


def _decoder(name: str) -> type[_Stage]:
    stage = _STAGES.get(name)
    if stage is None:
        # LZW, Crypt or a name no reader knows: nothing here can tell what it decodes to.
        raise UploadRefused(_("PDF 使用了无法检查的压缩方式（%(filter)s）")
                            % {"filter": name.lstrip("/")[:40]})
    return stage


class _Stage(abc.ABC):
    """One filter of a chain: an iterator of decoded chunks over the previous one's."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = chunks

    @abc.abstractmethod
    def __iter__(self) -> Iterator[bytes]: ...


class _Inflate(_Stage):
    """zlib, at most _CHUNK bytes out per step, so memory stays bounded whatever the
    ratio. A corrupt stream ends the count there: it decodes to no more than that."""

    def __iter__(self) -> Iterator[bytes]:
        inflater = zlib.decompressobj()
        for chunk in self.chunks:
            data = chunk
            while data and not inflater.eof:
                try:
                    out = inflater.decompress(data, _CHUNK)
                except zlib.error:
                    return
                yield out
                data = inflater.unconsumed_tail
            while not inflater.eof:  # output still held back after the input ran out
                out = inflater.decompress(b"", _CHUNK)
                if not out:
                    break
                yield out
            if inflater.eof:
                return


def _joined(chunks: Iterable[bytes]) -> bytes:
    """The previous stage's output whole, refused past the per-stream limit first."""
    parts, length = [], 0
    for chunk in chunks:
        length += len(chunk)
        if length > MAX_PDF_STREAM_BYTES:
            raise _stream_too_big()
        parts.append(chunk)
    return b"".join(parts)


class _RunLength(_Stage):
    """RunLengthDecode: a run of at most 128 bytes at a time."""

    def __iter__(self) -> Iterator[bytes]:
        data = _joined(self.chunks)
        index = 0
        while index < len(data):
            code = data[index]
            if code == 128:
                return
            if code < 128:
                yield data[index + 1:index + 2 + code]
                index += code + 2
            else:
                yield bytes([data[index + 1]]) * (257 - code) if index + 1 < len(data) else b""
                index += 2


class _Ascii(_Stage):
    """ASCIIHex and ASCII85 only shrink: decoded whole, in pieces out."""

    decoder: ASCIIHexDecode | ASCII85Decode

    def __iter__(self) -> Iterator[bytes]:
        decoded = self.decoder.decode_bounded(_joined(self.chunks), {}, None)
        for start in range(0, len(decoded), _CHUNK):
            yield decoded[start:start + _CHUNK]


class _AsciiHex(_Ascii):
    decoder = ASCIIHexDecode()


class _Ascii85(_Ascii):
    decoder = ASCII85Decode()


_STAGES: dict[str, type[_Stage]] = {
    "/FlateDecode": _Inflate, "/Fl": _Inflate, "/RunLengthDecode": _RunLength,
    "/RL": _RunLength, "/ASCIIHexDecode": _AsciiHex, "/AHx": _AsciiHex,
    "/ASCII85Decode": _Ascii85, "/A85": _Ascii85,
}

"""Real files built byte by byte: small valid PDFs and images, and decompression bombs
(a PNG whose header claims 60000×60000 pixels, a PDF whose stream inflates to 500 MB) in
a few hundred kilobytes."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image


def pdf(*, streams: tuple[tuple[bytes, bytes], ...] = (), padding: int = 0,
        comment: bytes = b"test material") -> bytes:
    """A one-page PDF with a correct cross-reference table. `streams` are (dictionary
    entries, encoded data) pairs added as objects; `padding` bytes of comment make it as
    large as wanted."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    for entries, data in streams:
        objects.append(b"<<" + entries + b"/Length %d>>stream\n" % len(data) + data
                       + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% " + comment + b"\n")
    if padding:
        out.write(b"%" + b"0" * padding + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


@functools.cache
def deflated_zeros(length: int) -> bytes:
    """zlib data that inflates to `length` zero bytes, built a megabyte at a time."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1024 * 1024)
    parts = []
    left = length
    while left:
        take = min(left, len(block))
        parts.append(compressor.compress(block[:take]))
        left -= take
    parts.append(compressor.flush())
    return b"".join(parts)


@functools.cache
def pdf_bomb(decoded: int = 500 * 1024 * 1024) -> bytes:
    """A valid PDF with one FlateDecode stream that inflates to `decoded` bytes."""
    return pdf(streams=((b"/Filter/FlateDecode", deflated_zeros(decoded)),))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width×height 8-bit grey pixels, with a small IDAT of
    compressed zeros (the first rows) — what a pixel bomb looks like on the wire."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (width + 1) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def image(kind: str = "PNG", size: tuple[int, int] = (2, 2)) -> bytes:
    """A small real image, encoded by Pillow."""
    out = io.BytesIO()
    Image.new("L", size, color=200).save(out, format=kind)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF encrypted by pyHanko (RC4-128 with an empty user password: it opens, but
    every stream is ciphertext)."""
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    writer.encrypt("owner", "")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

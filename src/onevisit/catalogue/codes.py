"""Item codes: the basic code (基本编码) of a basic catalogue entry and the implementation
code (实施编码) of a region's service item, as national implementation lists write them.

An implementation code is the basic code followed by five segments, hyphen-separated:

    511A0138000000-511602000000-000-115113010833722043-1-00
    basic code     region (12)  ---  implementing body   - handling item (2)

the region as a 12-digit GB/T 2260 code (a county's six digits and six zeros), a
three-digit segment, the implementing body's code (its unified social credit code as a
rule; older lists hold a 9-character organisation code such as 00877868-5), a one-digit
segment and the two-digit number of the handling item (业务办理项, 00 for the item itself).
onevisit checks the basic code and the region against the item and keeps the rest as given:
the region is the item's own or one above it (a province's item a county implements may
keep the province's code, 510000000000).
A basic code is letters and digits, with hyphens inside (G-000007-001, 1J-5100-00027).

A code that does not follow the pattern is a local code (330106-ZJ-009): kept as it is,
since applications, life events and the four lists refer to it. See docs/standards.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_MAX_LENGTH = 64

BASIC_CODE = re.compile(r"^[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*$")
_IMPLEMENTATION_CODE = re.compile(
    r"^(?P<basic>[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*?)"
    r"-(?P<region>\d{12})-(?P<unit>\d{3})"
    r"-(?P<body>[0-9A-Za-z]+(?:-[0-9A-Za-z])?)"
    r"-(?P<nature>\d)-(?P<handling>\d{2})$"
)


@dataclass(frozen=True)
class ImplementationCode:
    basic: str
    region: str  # 12 digits
    unit: str
    body: str
    nature: str
    handling: str


def implementation_code_parse(code: str) -> ImplementationCode | None:
    """The segments of a code in the national pattern; None for a local code."""
    match = _IMPLEMENTATION_CODE.match(code)
    if match is None:
        return None
    return ImplementationCode(**match.groupdict())


def region_code_12(region_code: str) -> str:
    """A GB/T 2260 code (2, 4, 6 or 9 digits) as the 12 digits implementation codes use."""
    return region_code.ljust(12, "0")


def region_codes_12_up(region_code: str) -> set[str]:
    """The 12-digit codes of a region and of every region above it (GB/T 2260 levels:
    province 2 digits, city 4, county 6, township 9)."""
    code = region_code_12(region_code)
    return {code[:digits].ljust(12, "0") for digits in (2, 4, 6, 9, 12)}


def implementation_code_make(*, basic_code: str, region_code: str, body: str,
                             unit: str = "000", nature: str = "1",
                             handling: str = "00") -> str:
    return "-".join((basic_code, region_code_12(region_code), unit, body, nature, handling))


def basic_code_of(code: str) -> str:
    """The basic code an item code names: its basic segment in the national pattern. A
    local code names no basic code, so it stands as its own, provisionally, until the
    province issues one (the migration and the import both do this)."""
    parsed = implementation_code_parse(code)
    return parsed.basic if parsed else code

"""`onevisit bench seal`: sealed certificates per second.

A real 营业执照 is made first: a company of the demo population files 企业设立登记
(330106-SJ-001) through the intake service and 杭州市西湖区市场监督管理局 approves it. Then,
in a process pool of one worker per CPU (forked, each worker warmed up with one document):

- sealed: render the certificate to PDF (WeasyPrint, the compact cut of the CJK font —
  built first if missing —, QR code) and seal it: a fresh ECDSA P-256 key and its
  certificate issued by the CA for this one document, then a PAdES B-B signature with
  it, chain embedded — what `certificate_pdf` does before it stores the file and
  records the document certificate;
- the baseline, in the same run: the same certificate rendered to the same PDF, unsealed;
- verifications: the sealed PDF checked as an upload is (pyHanko's validator against the
  CA and the current CRL, the document certificate, seal and certificate looked up in
  the database).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from random import Random
from typing import Any, TextIO

from django.core.management import call_command
from django.db import connections

from bench.server import percentile_ms
from onevisit.applications.constants import DeliveryMethod
from onevisit.applications.services import DeliveryChoice, subject_resolve
from onevisit.certificates.documents import certificate_pdf, certificate_sealed_pdf
from onevisit.certificates.models import Certificate
from onevisit.certificates.rendering import certificate_render_unsealed
from onevisit.certificates.verification import pdf_verify
from onevisit.demo.forms import FormFiller
from onevisit.ops.demo_setup import demo_approve_all, demo_file, demo_world_load
from onevisit.pdf import compact_font_build, compact_font_path

ITEM = "330106-SJ-001"  # 企业设立登记 → 营业执照
TARGET_PER_SECOND = 20.0


@dataclass
class Sample:
    latencies: list[float]
    cpu: list[float]  # CPU seconds of the worker process, per document
    seconds: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * sum(self.cpu) / len(self.cpu)

    def add(self, other: Sample) -> Sample:
        return Sample(self.latencies + other.latencies, self.cpu + other.cpu,
                      self.seconds + other.seconds)


def _licence() -> Certificate:
    """A business licence issued through the real services."""
    world = demo_world_load(people=200, companies=20)
    subject = subject_resolve(item_code=ITEM)
    filler = FormFiller(world.population, Random(20171))
    filing = demo_file(subject=subject, filler=filler, staff=world.staff,
                       filer=filler.filer_for(fields=subject.fields, materials=subject.materials),
                       delivery=DeliveryChoice(method=DeliveryMethod.DOWNLOAD))
    demo_approve_all(application=filing.application, staff=world.staff)
    return Certificate.objects.select_related("department", "application").get(
        application=filing.application
    )


@dataclass
class _Shared:
    certificate: Certificate
    sealed: bytes


# Set in the parent before the pool forks; the workers inherit it.
_shared: list[_Shared] = []


def _warm() -> None:
    # Each worker opens its own database connection, loads fonts and the seal key once.
    certificate_sealed_pdf(_shared[0].certificate)
    pdf_verify(_shared[0].sealed)


def _timed(work: Any) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def _seal(_: int) -> tuple[float, float]:
    return _timed(lambda: certificate_sealed_pdf(_shared[0].certificate))


def _render(_: int) -> tuple[float, float]:
    return _timed(lambda: certificate_render_unsealed(_shared[0].certificate))


def _verify(_: int) -> tuple[float, float]:
    def check() -> None:
        result = pdf_verify(_shared[0].sealed)
        if result.status != "valid":
            raise RuntimeError(f"the sealed PDF did not verify: {result.status}")

    return _timed(check)


def _measure(pool: Any, work: Any, count: int) -> Sample:
    started = time.perf_counter()
    timings = pool.map(work, range(count), chunksize=1)
    return Sample(latencies=[wall for wall, _cpu in timings],
                  cpu=[cpu for _wall, cpu in timings], seconds=time.perf_counter() - started)


def _alternating(pool: Any, count: int, rounds: int) -> dict[str, Sample]:
    """Sealed and unsealed in alternating rounds, so that a change in the machine's load
    during the run falls on both alike."""
    samples: dict[str, Sample] = {}
    per_round = max(1, count // rounds)
    for _round in range(rounds):
        for key, work in (("unsealed", _render), ("sealed", _seal)):
            sample = _measure(pool, work, per_round)
            samples[key] = samples[key].add(sample) if key in samples else sample
    return samples


def run(*, count: int, workers: int, out: TextIO) -> dict[str, Sample]:
    call_command("migrate", verbosity=0)
    if not compact_font_path().is_file():
        out.write("building the compact CJK font first (`onevisit fonts build`, once)…\n")
        compact_font_build()
    certificate = _licence()
    sealed = certificate_pdf(certificate=certificate)  # stored: its signer is on record
    seal = certificate.seal
    if seal is None:
        raise RuntimeError("the certificate was not sealed")
    unsealed = certificate_render_unsealed(certificate)
    _shared[:] = [_Shared(certificate=certificate, sealed=sealed)]
    vendor = connections["default"].vendor
    connections.close_all()  # each forked worker opens its own
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_warm) as pool:
        samples = _alternating(pool, count, rounds=4)
        samples["verify"] = _measure(pool, _verify, count)
    out.write(f"onevisit bench seal — {certificate.title} {certificate.number}, sealed under "
              f"{seal.subject}'s seal (a document certificate per PDF: fresh ECDSA P-256 "
              f"key, issued by the CA; PAdES B-B, chain embedded)\n")
    out.write(f"database: {vendor} · process pool: {workers} workers · "
              f"{os.cpu_count()} CPUs · {count} documents per measurement\n")
    out.write(f"PDF: {len(unsealed) / 1024:.1f} KiB unsealed, "
              f"{len(sealed) / 1024:.1f} KiB sealed\n\n")
    out.write(f"{'':34}{'documents':>10}{'per second':>12}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'CPU ms':>9}\n")
    for label, key in (("render + seal (onevisit)", "sealed"),
                       ("render only (baseline)", "unsealed"),
                       ("verify an uploaded PDF", "verify")):
        sample = samples[key]
        out.write(f"{label:34}{len(sample.latencies):>10}{sample.throughput:>12.1f}"
                  f"{percentile_ms(sample.latencies, 50):>9.1f}"
                  f"{percentile_ms(sample.latencies, 95):>9.1f}{sample.cpu_ms:>9.1f}\n")
    rate, baseline = samples["sealed"].throughput, samples["unsealed"].throughput
    out.write(f"\nratio sealed to unsealed: {rate / baseline:.3f} (by CPU per document: "
              f"{samples['unsealed'].cpu_ms / samples['sealed'].cpu_ms:.3f})\n")
    capacity = (os.cpu_count() or 1) * 1000 / samples["sealed"].cpu_ms
    out.write(f"CPU-bound capacity of this machine ({os.cpu_count()} CPUs / CPU per sealed "
              f"document): {capacity:.1f} sealed certificates/s\n")
    out.write(f"machine load average during the run: {os.getloadavg()[0]:.2f}\n")
    verdict = "met" if rate >= TARGET_PER_SECOND else "NOT met"
    out.write(f"target ≥ {TARGET_PER_SECOND:.0f} sealed certificates/s: {verdict}\n")
    return samples

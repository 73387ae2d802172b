"""The page's routes: step 1 (upload a list), step 2 (message) and 3 (date, senders,
assumptions) on the list's page, the result (the report's comparison and its files)."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from simulator.app.config import AppConfig
from simulator.app.guard import BodyTooLarge
from simulator.app.work import (
    ENCODINGS,
    ListChoice,
    Run,
    Upload,
    check_upload,
    fit_message,
    forecast_run,
    new_id,
    parse_day,
    shown_name,
    stored_suffix,
)
from simulator.clock import today_in_japan
from simulator.errors import KpsimError, UsageError
from simulator.i18n import LANGS, Lang, language, t
from simulator.message.render import placeholders
from simulator.report.html import environment as report_environment
from simulator.report.html import render_html
from simulator.report.words import limit_words, words
from simulator.rules.reasons import describe
from simulator.rules.ruleset import load_ruleset

CHUNK = 1024 * 1024


@cache
def environment() -> Environment:
    """The report's Jinja2 environment (filters, globals, autoescaping) with the app's own
    templates in front of the report's."""
    report = report_environment()
    assert report.loader is not None
    return report.overlay(
        loader=ChoiceLoader([PackageLoader("simulator.app", "templates"), report.loader])
    )


def request_lang(request: Request, config: AppConfig) -> Lang:
    """`?lang=`, else `--lang`, else the browser's Accept-Language (ja or en), else English."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    if config.lang is not None:
        return config.lang
    best: tuple[float, Lang] = (0.0, "en")
    for item in request.headers.get("accept-language", "").split(","):
        tag, _, q = item.strip().partition(";q=")
        code = tag.strip().lower().split("-")[0]
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if code in LANGS and weight > best[0]:
            best = (weight, code)
    return best[1]


def report_parts(html: str) -> tuple[Markup, Markup]:
    """The stylesheet and body of a report.html kpsim rendered itself (already escaped)."""
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    return Markup(style), Markup(body)  # kpsim's own autoescaped output


class Pages:
    """The routes of one app run, its uploads and runs (in memory, files in scratch)."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.uploads: dict[str, Upload] = {}
        self.runs: dict[str, Run] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/", self.home),
            Route("/upload", self.upload, methods=["POST"]),
            Route("/list/{id}", self.list_page),
            Route("/list/{id}/read", self.reread, methods=["POST"]),
            Route("/list/{id}/fit", self.fit, methods=["POST"]),
            Route("/list/{id}/forecast", self.forecast, methods=["POST"]),
            Route("/run/{id}", self.run_page),
            Route("/run/{id}/status", self.status),
            Route("/run/{id}/file/{name}", self.download),
        ]

    # -- helpers -------------------------------------------------------------------------

    def link(self, request: Request, path: str, **extra: str) -> str:
        query = {"token": self.config.token, "lang": request_lang(request, self.config)}
        return f"{path}?{urlencode({**query, **extra})}"

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> Response:
        lang = request_lang(request, self.config)
        with language(lang):
            html = (
                environment()
                .get_template(template)
                .render(
                    lang=lang,
                    nonce=request.scope["state"]["nonce"],
                    link=lambda path, **extra: self.link(request, path, **extra),
                    other_lang="ja" if lang == "en" else "en",
                    path=request.url.path,
                    **{"problem": None, "form": {}, **context},
                )
            )
        return Response(html, status_code=status, media_type="text/html; charset=utf-8")

    def see_other(self, request: Request, path: str) -> Response:
        return Response(status_code=303, headers={"location": self.link(request, path)})

    def _upload(self, request: Request) -> Upload | None:
        return self.uploads.get(request.path_params["id"])

    async def _form(self, request: Request) -> FormData | Response:
        try:
            return await request.form(max_files=1, max_fields=200)
        except BodyTooLarge:
            return PlainTextResponse("413 upload too large\n", status_code=413)

    # -- step 1 --------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return self.render(request, "app_list.html.j2", upload=None, encodings=ENCODINGS)

    async def upload(self, request: Request) -> Response:
        form = await self._form(request)
        if isinstance(form, Response):
            return form
        sent = form.get("file")
        if not isinstance(sent, UploadFile) or not sent.filename:
            return self.render(
                request,
                "app_list.html.j2",
                400,
                upload=None,
                encodings=ENCODINGS,
                problem=t("app.no_file"),
            )
        upload_id = new_id()
        path = self.config.scratch / f"list-{upload_id}{stored_suffix(sent.filename)}"
        with path.open("xb") as out:
            while chunk := await sent.read(CHUNK):
                out.write(chunk)
        await sent.close()
        choice = ListChoice(encoding=_text(form, "encoding"), sheet=_text(form, "sheet"))
        upload = Upload(id=upload_id, path=path, name=shown_name(sent.filename), choice=choice)
        self.uploads[upload_id] = check_upload(upload, rules_dir=self.config.rules_dir)
        return self.see_other(request, f"/list/{upload_id}")

    async def reread(self, request: Request) -> Response:
        upload = self._upload(request)
        form = await self._form(request)
        if upload is None:
            return PlainTextResponse("404 no such list\n", status_code=404)
        if isinstance(form, Response):
            return form
        upload.choice = ListChoice(
            phone_column=_text(form, "phone_column"),
            carrier_column=_text(form, "carrier_column"),
            encoding=_text(form, "encoding"),
            sheet=_text(form, "sheet"),
        )
        check_upload(upload, rules_dir=self.config.rules_dir)
        return self.see_other(request, f"/list/{upload.id}")

    # -- steps 2 and 3 -------------------------------------------------------------------

    def list_context(self, upload: Upload) -> dict[str, Any]:
        rules = load_ruleset(self.config.rules_dir)
        return {
            "upload": upload,
            "encodings": ENCODINGS,
            "describe": describe,
            "plans": rules.plan_ids(),
            "assumptions": [a for a in rules.assumptions.values() if a.modelled],
            "today": today_in_japan().isoformat(),
        }

    async def list_page(self, request: Request) -> Response:
        upload = self._upload(request)
        if upload is None:
            return PlainTextResponse("404 no such list\n", status_code=404)
        return self.render(request, "app_list.html.j2", **self.list_context(upload), form={})

    async def fit(self, request: Request) -> Response:
        """How each plan counts the message (for the live count): encoding, parts, limit."""
        form = await self._form(request)
        upload = self._upload(request)
        if isinstance(form, Response):
            return form
        if upload is None:
            return JSONResponse({"error": "no such list"}, status_code=404)
        text = _text(form, "message") or ""
        try:
            info = fit_message(
                text, parse_day(_text(form, "as_of")), rules_dir=self.config.rules_dir
            )
        except KpsimError as err:
            return JSONResponse({"error": err.render(), "code": err.code}, status_code=400)
        missing = [p for p in placeholders(text) if p not in upload.columns]
        with language(request_lang(request, self.config)):
            plans = {
                name: {
                    **plan.model_dump(),
                    "encoding": None if plan.encoding is None else words(plan.encoding),
                    "limit": limit_words(plan.limit),
                }
                for name, plan in info.by_plan.items()
            }
        return JSONResponse(
            {"characters": info.characters, "plans": plans, "missing_columns": missing}
        )

    async def forecast(self, request: Request) -> Response:
        upload = self._upload(request)
        form = await self._form(request)
        if upload is None:
            return PlainTextResponse("404 no such list\n", status_code=404)
        if isinstance(form, Response):
            return form
        try:
            settings = forecast_settings(form, upload)
        except KpsimError as err:
            context = self.list_context(upload)
            return self.render(
                request, "app_list.html.j2", 400, **context, form=form, problem=err.render()
            )
        run = Run(id=new_id(), upload_id=upload.id, folder=self.config.scratch / f"run-{new_id()}")
        self.runs[run.id] = run
        full = form.get("full_numbers") == "on"
        with language(request_lang(request, self.config)):  # the files in the page's language
            in_language = contextvars.copy_context()
        worker = threading.Thread(
            target=in_language.run,
            args=(forecast_run, run, upload, settings),
            kwargs={"full_numbers": full, "rules_dir": self.config.rules_dir},
            name=f"kpsim-forecast-{run.id}",
            daemon=True,
        )
        run.started = time.monotonic()
        worker.start()
        worker.join(timeout=2.0)  # a short list is done at once: no progress page
        return self.see_other(request, f"/run/{run.id}")

    # -- the result ----------------------------------------------------------------------

    async def run_page(self, request: Request) -> Response:
        run = self.runs.get(request.path_params["id"])
        if run is None:
            return PlainTextResponse("404 no such run\n", status_code=404)
        upload = self.uploads[run.upload_id]
        if not run.done.is_set():
            return self.render(request, "app_running.html.j2", run=run, upload=upload)
        if run.error is not None or run.summary is None:
            context = self.list_context(upload)
            problem = run.error.render() if run.error else t("app.failed")
            return self.render(
                request, "app_list.html.j2", 400, **context, form={}, problem=problem
            )
        charts = {name: path for name, path in run.files.items() if path.suffix == ".png"}
        with language(request_lang(request, self.config)):
            style, body = report_parts(render_html(run.summary, charts))
        files = sorted(
            {path.name for path in run.files.values() if path.is_file()},
            key=lambda name: (name != "report.html", Path(name).suffix != ".xlsx", name),
        )
        return self.render(
            request,
            "app_result.html.j2",
            run=run,
            upload=upload,
            files=files,
            file_label=file_label,
            report_style=style,
            report_body=body,
        )

    async def status(self, request: Request) -> Response:
        run = self.runs.get(request.path_params["id"])
        if run is None:
            return JSONResponse({"error": "no such run"}, status_code=404)
        elapsed = round(time.monotonic() - run.started)
        return JSONResponse({"done": run.done.is_set(), "seconds": elapsed})

    async def download(self, request: Request) -> Response:
        """A file the run wrote, found by its name in the run's own list (never a path)."""
        run = self.runs.get(request.path_params["id"])
        name = request.path_params["name"]
        match = (
            None
            if run is None
            else next((p for p in run.files.values() if p.name == name and p.is_file()), None)
        )
        if match is None:
            return PlainTextResponse("404 no such file\n", status_code=404)
        return FileResponse(match, filename=match.name)


def _text(form: FormData | Mapping[str, Any], name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _count(form: FormData, name: str, default: int) -> int:
    value = _text(form, name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"{name} {value!r} is not a whole number of 1 or more", code="bad_count")
    return int(value)


def forecast_settings(form: FormData, upload: Upload) -> dict[str, Any]:
    """The forecast's options from the form, named as `simulator.forecast` takes them; a
    placeholder naming no column of the list is refused here, before any work."""
    message = form.get("message")
    if not isinstance(message, str) or not message.strip():
        raise UsageError(t("app.no_message"), code="no_message")
    missing = [p for p in placeholders(message) if p not in upload.columns]
    if missing and upload.columns:
        raise UsageError(
            t("app.missing_columns", columns=", ".join(missing)), code="no_such_column"
        )
    plans = [str(p) for p in form.getlist("plans")]
    assume = {
        key.removeprefix("assume_"): str(value)
        for key, value in form.multi_items()
        if key.startswith("assume_") and isinstance(value, str)
    }
    return dict(
        message=message,
        as_of=parse_day(_text(form, "as_of")),
        plans=plans or None,
        sender=_text(form, "sender"),
        kp_sender=_text(form, "registered_sender"),
        sender_ids=_count(form, "sender_ids", 1),
        period_days=_count(form, "period_days", 30),
        assume=assume,
        progress=False,
    )


FILE_KINDS = {".html": "app.file_report", ".xlsx": "app.file_workbook", ".png": "app.file_chart"}
FILE_KINDS |= {".csv": "app.file_table", ".parquet": "app.file_table", ".json": "app.file_data"}


def file_label(name: str) -> str:
    """What a downloadable file is, in words (by its kind), for its button."""
    key = FILE_KINDS.get(Path(name).suffix.lower())
    return t(key) if key else t("app.file_other")

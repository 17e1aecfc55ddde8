"""Files: what Telegram hosts (bot uploads, user uploads, URLs), getFile and downloads."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.standin import errors
from bot.standin.core import StandInCore, api_method
from bot.standin.errors import ApiError
from bot.standin.models import Document
from bot.standin.params import Params, UploadedFile


@dataclass
class StoredFile:
    """A file Telegram would host: uploaded by the bot, sent by a user, or referenced by URL."""

    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None

    def as_document(self) -> Document:
        """The file as a message shows it when sent as a document."""
        return Document(self.file_id, self.file_name, self.mime_type, self.data)


MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile: the most a bot may download
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the most a bot may upload (a document)
MAX_PHOTO_UPLOAD_BYTES = 10 * 1024 * 1024


def _new_file_id(prefix: str) -> tuple[str, str]:
    return f"{prefix}{secrets.token_urlsafe(24)}", secrets.token_urlsafe(8)


class FilesArea(StandInCore):
    """Every file by file_id and by download path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}

    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)

    def store_file(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Host a file under a fresh file_id so getFile and downloads find it."""
        file_id, unique_id = _new_file_id("AgAC" if kind == "photo" else "BQAC")
        folder = "photos" if kind == "photo" else "documents"
        suffix = ".jpg" if kind == "photo" else ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            kind=kind,
            file_path=f"{folder}/file_{len(self.files)}{suffix}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram returns for a photo (a thumbnail and the full size)."""
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 90,
                "height": 90,
                "file_size": len(stored.data),
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 800,
                "height": 800,
                "file_size": len(stored.data),
            },
        ]

    def _resolve_file(
        self, value: UploadedFile | str | None, kind: str, missing: str
    ) -> StoredFile:
        """The file a send or edit refers to: a fresh upload, a URL, or a known file_id."""
        if value is None:
            raise ApiError(missing)
        if isinstance(value, UploadedFile):
            most = MAX_PHOTO_UPLOAD_BYTES if kind == "photo" else MAX_UPLOAD_BYTES
            if len(value.data) > most:
                raise ApiError(errors.REQUEST_TOO_LARGE, 413)
            return self.store_file(
                kind, value.data, file_name=value.filename, mime_type=value.content_type
            )
        if value.startswith(("http://", "https://")):
            return self.store_file(kind, b"", url=value)
        stored = self.files.get(value)
        if stored is None:
            raise ApiError(errors.WRONG_FILE_ID)
        if stored.kind != kind:
            raise ApiError(errors.FILE_TYPE_MISMATCH)
        return stored

    @api_method("getFile")
    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self.files.get(params.text("file_id") or "")
        if stored is None:
            raise ApiError(errors.INVALID_FILE_ID)
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(errors.FILE_TOO_BIG)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(errors.UNAUTHORIZED, 401).envelope(), status=401)
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return web.json_response(ApiError(errors.NOT_FOUND, 404).envelope(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

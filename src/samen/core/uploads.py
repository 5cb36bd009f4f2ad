"""An upload handler that keeps at most one byte more of each file than the upload limit.

A file over SAMEN_MAX_UPLOAD_BYTES still reaches the view (as a file of limit + 1 bytes),
so the view can answer with its form, the text kept and an error on the file field,
instead of a bare "request too large" page. The bytes beyond are read and discarded,
never stored. The input boundary (core.middleware) bounds the body as a whole."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class CappedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        keep = int(settings.SAMEN_MAX_UPLOAD_BYTES) + 1 - start
        if keep <= 0:
            return None  # the next handlers never see these bytes
        return raw_data if len(raw_data) <= keep else raw_data[:keep]

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler builds the (capped) file

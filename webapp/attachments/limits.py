"""What may be uploaded: a size limit, a list of extensions, and content that matches its extension."""
import os
import unicodedata
from dataclasses import dataclass

from webapp.config import ConfigError
from webapp.core.errors import AppError

from .models import size_label

ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # OOXML and OFD are zip packages; an empty zip has only its end record
OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the compound file of doc / xls / ppt and WPS's wps / et
FAMILIES = {
    "pdf": ("application/pdf", "pdf"),
    "ofd": ("application/ofd", "zip"),
    "doc": ("application/msword", "ole2"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    "wps": ("application/octet-stream", "ole2"),
    "xls": ("application/vnd.ms-excel", "ole2"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    "et": ("application/octet-stream", "ole2"),
    "ppt": ("application/vnd.ms-powerpoint", "ole2"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip"),
    "txt": ("text/plain; charset=utf-8", "text"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "png": ("image/png", "png"),
    "zip": ("application/zip", "zip"),
}
SIGNATURES = {"zip": ZIP, "ole2": OLE2, "png": (b"\x89PNG\r\n\x1a\n",), "jpeg": (b"\xff\xd8\xff",)}
PDF_HEADER_WINDOW = 1024  # readers accept "%PDF-" anywhere in the first kilobyte


class AttachmentRefused(AppError):
    status = 422
    code = "attachment_refused"


class FileTooLarge(AttachmentRefused):
    status = 413
    code = "too_large"


class FileTypeRefused(AttachmentRefused):
    status = 415
    code = "unsupported_type"


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    extension: str
    content_type: str
    size: int


def extensions(config):
    """The allowed extensions, lower case, without dots, in the configured order."""
    value = config.get("ATTACHMENT_EXTENSIONS") or ""
    items = value.split(",") if isinstance(value, str) else value
    return [e.strip().lower().lstrip(".") for e in items if e.strip()]


def too_large_message(config):
    return f"文件过大（上限 {size_label(int(config['ATTACHMENT_MAX_BYTES']))}）"


def check_config(config):
    """At start-up: every allowed extension must have a content check."""
    unknown = [e for e in extensions(config) if e not in FAMILIES]
    if unknown:
        raise ConfigError(f"ATTACHMENT_EXTENSIONS lists {unknown}, which have no content check "
                          f"(known: {', '.join(FAMILIES)})")


def clean_filename(raw):
    """The name as the user's machine had it, without any directory part or control characters."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 254 - len(ext)] + dot + ext if dot and len(ext) < 16 else name[:255]
    return name


def check(file_storage, config):
    """The upload's cleaned name, extension, content type and size; raise AttachmentRefused with the reason."""
    filename = clean_filename(file_storage.filename if file_storage else "")
    if not filename:
        raise AttachmentRefused("请选择要上传的文件。")
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    allowed = extensions(config)
    if extension not in allowed:
        shown = f" .{extension}" if extension else "（文件名没有扩展名）"
        raise FileTypeRefused(f"不支持的文件类型{shown}，可上传：{'、'.join(allowed)}")
    stream = file_storage.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > int(config["ATTACHMENT_MAX_BYTES"]):
        raise FileTooLarge(too_large_message(config))
    if size == 0:
        raise AttachmentRefused("文件是空的，请检查后重新上传。")
    content_type, family = FAMILIES[extension]
    if not _content_matches(stream, family):
        raise FileTypeRefused("文件内容与扩展名不符")
    stream.seek(0)
    return CheckedFile(filename, extension, content_type, size)


def _content_matches(stream, family):
    if family == "text":
        return _is_text(stream.read())
    head = stream.read(PDF_HEADER_WINDOW)
    if family == "pdf":
        return b"%PDF-" in head
    return head.startswith(SIGNATURES[family])


def _is_text(data):
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False

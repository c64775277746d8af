"""Pages of supervision (filled in by issue 6)."""
from flask import Blueprint

from . import models  # noqa: F401  (the tables join the metadata)

bp = Blueprint("supervision", __name__)

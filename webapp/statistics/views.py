"""Pages of statistics (filled in by issue 6)."""
from flask import Blueprint

from . import models  # noqa: F401  (the tables join the metadata)

bp = Blueprint("statistics", __name__)

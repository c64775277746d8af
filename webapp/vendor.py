"""Front-end libraries installed from npm (package.json) and served from node_modules, never committed."""
from flask import Blueprint, abort, send_from_directory

from .config import ROOT

bp = Blueprint("vendor", __name__)

# URL name -> file under node_modules; only these are served.
FILES = {"echarts.min.js": "echarts/dist/echarts.min.js"}


@bp.route("/vendor/<name>")
def asset(name):
    if name not in FILES:
        abort(404)
    path = ROOT / "node_modules" / FILES[name]
    if not path.is_file():
        abort(404, description=f"前端库 {name} 未安装，请先运行 make setup（npm install）。")
    return send_from_directory(path.parent, path.name, max_age=86400)

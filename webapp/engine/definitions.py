"""Versioned process definitions: deploy BPMN into the database, parse once per version."""
import functools
import hashlib
from io import BytesIO

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from webapp.core import clock
from webapp.extensions import db

from . import sandbox
from .models import ProcessDefinition

MAX_BPMN_BYTES = 2 * 1024 * 1024


class DefinitionError(ValueError):
    """A BPMN document that cannot be deployed; `problems` lists (element id, message)."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def safe_tree(xml):
    """Parse XML text or bytes without entities, DTDs or network access, within the size limit."""
    xml_bytes = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(xml_bytes) > MAX_BPMN_BYTES:
        raise DefinitionError(f"文件过大（上限 {MAX_BPMN_BYTES // 1024} KB）")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.parse(BytesIO(xml_bytes), parser)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(f"XML 格式错误：第 {exc.lineno} 行：{exc.msg}") from exc


def parse_specs(xml_text, process_key):
    """Parse BPMN text into (top spec, subprocess specs) for `process_key`."""
    tree = safe_tree(xml_text)
    if tree.docinfo.doctype:
        raise DefinitionError("不允许包含 DOCTYPE 声明")
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(tree, filename=f"{process_key}.bpmn")
        spec = parser.get_spec(process_key)
        subprocess_specs = parser.get_subprocess_specs(process_key)
    except ValidationException as exc:
        raise DefinitionError(
            f"BPMN 校验失败：{exc}", [(getattr(exc, "id", None), str(exc))]
        ) from exc
    return spec, subprocess_specs


def process_ids(xml_text):
    """The startable process ids of a BPMN document: executable, and not only called by a call activity."""
    tree = safe_tree(xml_text)
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    called = {node.get("calledElement") for node in tree.getroot().iterfind(".//bpmn:callActivity", ns)}
    return [
        p.get("id") for p in tree.getroot().findall("bpmn:process", ns)
        if p.get("isExecutable") != "false" and p.get("id") not in called
    ]


@functools.lru_cache(maxsize=256)  # versions are immutable: (id, sha256) names one parse for good
def _parsed(definition_id, sha256):
    definition = db.session.get(ProcessDefinition, definition_id)
    return parse_specs(definition.bpmn_xml, definition.process_key)


def specs_for(definition):
    """Parsed specs of a definition version; parses (and reads the XML column) only on a miss."""
    return _parsed(definition.id, definition.sha256)


def latest(process_key):
    return (
        db.session.query(ProcessDefinition)
        .filter_by(process_key=process_key, is_latest=True)
        .one_or_none()
    )


def deploy(process_key, xml_text, deployed_by=None, comment="", once=False):
    """Store a new version if the BPMN changed; return (definition, created).

    `once`: a document already deployed as any version is left alone. Deploying processes/ at every
    start-up uses it, so a restart neither undoes what an admin deployed since nor a rollback.
    """
    parse_specs(xml_text, process_key)  # refuse what cannot run before storing it
    unsafe = sandbox.diagram_problems(safe_tree(xml_text).getroot())
    if unsafe:  # the designer says so on each element; this stops `flask govflow deploy` and setup too
        raise DefinitionError("流程图含不允许运行的表达式或脚本：" + "；".join(m for _, m in unsafe), unsafe)
    sha = hashlib.sha256(xml_text.encode("utf-8")).hexdigest()
    current = latest(process_key)
    if current is not None and current.sha256 == sha:
        return current, False
    if once:
        known = db.session.query(ProcessDefinition).filter_by(process_key=process_key, sha256=sha).first()
        if known is not None:
            return known, False
    version = (
        db.session.query(db.func.max(ProcessDefinition.version)).filter_by(process_key=process_key).scalar() or 0
    ) + 1
    if current is not None:
        current.is_latest = False
    definition = ProcessDefinition(
        process_key=process_key,
        version=version,
        name=_process_name(xml_text, process_key),
        bpmn_xml=xml_text,
        sha256=sha,
        is_latest=True,
        deployed_by_id=deployed_by.id if deployed_by else None,
        deployed_dt=clock.now(),
        comment=comment,
    )
    db.session.add(definition)
    db.session.flush()
    return definition, True


def make_latest(definition):
    """Rollback: new instances start on `definition` again; running instances keep their versions."""
    db.session.query(ProcessDefinition).filter(
        ProcessDefinition.process_key == definition.process_key, ProcessDefinition.id != definition.id
    ).update({ProcessDefinition.is_latest: False}, synchronize_session="fetch")
    definition.is_latest = True
    db.session.flush()


def _process_name(xml_text, process_key):
    tree = safe_tree(xml_text)
    for node in tree.getroot().iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"):
        if node.get("id") == process_key:
            return node.get("name") or process_key
    return process_key

// bpmnlint's recommended rules over one BPMN document: XML on stdin, JSON [{rule, id, message, category}] on stdout.
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { BpmnModdle } = require('bpmn-moddle');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { rootElement } = await new BpmnModdle().fromXML(Buffer.concat(chunks).toString('utf8'));
  const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
  const reports = await linter.lint(rootElement);
  const flat = [];
  for (const [rule, items] of Object.entries(reports)) {
    for (const item of items) flat.push({ rule: rule, id: item.id || null, message: item.message, category: item.category });
  }
  process.stdout.write(JSON.stringify(flat));
}

main().catch((err) => {
  process.stderr.write(String(err && err.message || err));
  process.exit(2);
});

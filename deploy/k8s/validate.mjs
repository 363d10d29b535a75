// Renders every overlay with `kubectl kustomize` and validates each object against the Kubernetes schemas of
// the kubernetes-models package (custom resources against the vendored CRDs in crds/), offline; then checks the
// rules of deploying Saima, enumerated over what the overlay renders (issue 19):
//   - no Secret (the real ones are created outside the overlays: secrets.example.yaml), no image without a
//     release tag, no latest, no localhost/;
//   - every Deployment: exactly one PodDisruptionBudget selecting its pods, scrape annotations naming its metrics
//     port, and a NetworkPolicy admitting that port from the monitoring namespace under the default deny;
//   - no PodDisruptionBudget or Service selects the migration Job's pods; the Job is named per release and
//     removed after it finishes (ttlSecondsAfterFinished);
//   - a CloudNativePG Cluster has three instances or more, synchronous replication, and its roles SQL rendered.
// Exits non-zero naming the object and the failed rule.
//   node deploy/k8s/validate.mjs
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
let failures = 0;
let objects = 0;
let checks = 0;
const fail = (message) => {
  console.error(message);
  failures++;
};

// Custom resources: kind → validator of the CRD's openAPIV3Schema (its served version).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const customKinds = {};
for (const file of readdirSync(join(here, 'crds')).filter((f) => /\.yaml(\.gz)?$/.test(f))) {
  const bytes = readFileSync(join(here, 'crds', file));
  const crd = yaml.load((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    customKinds[`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`] = ajv.compile(version.schema.openAPIV3Schema);
  }
}

const matches = (selector, labels) =>
  Object.entries(selector || {}).every(([k, v]) => (labels || {})[k] === v) && Object.keys(selector || {}).length > 0;
const portNumbers = (policyPorts) => (policyPorts || []).map((p) => p.port);

for (const overlay of readdirSync(join(here, 'overlays'))) {
  const rendered = execFileSync('kubectl', ['kustomize', join(here, 'overlays', overlay)], { encoding: 'utf8' });
  const docs = yaml.loadAll(rendered).filter(Boolean);
  const kinds = {};
  for (const doc of docs) {
    objects++;
    kinds[doc.kind] = (kinds[doc.kind] || 0) + 1;
    const custom = customKinds[`${doc.apiVersion} ${doc.kind}`];
    if (custom) {
      if (!custom(doc)) fail(`${overlay}: ${doc.kind}/${doc.metadata?.name}: ${ajv.errorsText(custom.errors)}`);
      continue;
    }
    const module = doc.apiVersion.includes('/') ? doc.apiVersion : `v1`;
    const models = await import(`kubernetes-models/${module}`);
    const Model = models[doc.kind];
    if (!Model) {
      fail(`${overlay}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      fail(`${overlay}: ${doc.kind}/${doc.metadata?.name}: ${e.message}`);
    }
  }

  // ---- the rules of deploying Saima ----
  const of = (kind) => docs.filter((d) => d.kind === kind);
  const where = (d) => `${overlay}: ${d.kind}/${d.metadata.name}`;
  for (const secret of of('Secret')) fail(`${where(secret)}: an overlay must not carry a Secret (it would overwrite the real one; see secrets.example.yaml)`);
  const workloads = [...of('Deployment'), ...of('Job')];
  for (const w of workloads) {
    for (const c of w.spec.template.spec.containers) {
      checks++;
      const tag = c.image.includes(':') ? c.image.split(':').pop() : '';
      if (!tag || tag === 'latest' || c.image.startsWith('localhost/')) {
        fail(`${where(w)}: container ${c.name} image ${c.image} has no release tag (set images: in the overlay)`);
      }
    }
  }
  const budgets = of('PodDisruptionBudget');
  const policies = of('NetworkPolicy');
  const denyAll = policies.some((p) => Object.keys(p.spec.podSelector || {}).length === 0 &&
    (p.spec.policyTypes || []).includes('Ingress') && !(p.spec.ingress || []).length);
  if (!denyAll) fail(`${overlay}: no default-deny NetworkPolicy`);
  for (const d of of('Deployment')) {
    const labels = d.spec.template.metadata.labels;
    const annotations = d.spec.template.metadata.annotations || {};
    const metricsPort = d.spec.template.spec.containers.flatMap((c) => c.ports || []).find((p) => p.name === 'metrics');
    checks += 4;
    const own = budgets.filter((b) => matches(b.spec.selector.matchLabels, labels));
    if (own.length !== 1) fail(`${where(d)}: ${own.length} PodDisruptionBudgets select its pods, not 1`);
    if (!metricsPort) {
      fail(`${where(d)}: no container port named metrics`);
      continue;
    }
    if (annotations['prometheus.io/scrape'] !== 'true' || annotations['prometheus.io/port'] !== String(metricsPort.containerPort)) {
      fail(`${where(d)}: pods lack prometheus.io/scrape and prometheus.io/port ${metricsPort.containerPort}`);
    }
    const scraped = policies.some((p) => (Object.keys(p.spec.podSelector.matchLabels || {}).length === 0 ||
      matches(p.spec.podSelector.matchLabels, labels)) && (p.spec.ingress || []).some((rule) =>
      (rule.from || []).some((f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring') &&
      portNumbers(rule.ports).includes(metricsPort.containerPort)));
    if (!scraped) fail(`${where(d)}: no NetworkPolicy admits its metrics port ${metricsPort.containerPort} from the monitoring namespace`);
  }
  for (const job of of('Job')) {
    const labels = job.spec.template.metadata.labels;
    checks += 3;
    for (const b of budgets) if (matches(b.spec.selector.matchLabels, labels)) fail(`${where(b)}: selects the Job ${job.metadata.name}'s pods`);
    for (const s of of('Service')) if (matches(s.spec.selector, labels)) fail(`${where(s)}: selects the Job ${job.metadata.name}'s pods`);
    if (!(job.spec.ttlSecondsAfterFinished > 0)) fail(`${where(job)}: no ttlSecondsAfterFinished`);
    if (!/-\d+\.\d+\.\d+$/.test(job.metadata.name)) fail(`${where(job)}: not named per release (saima-migrate-<version>)`);
  }
  for (const cluster of of('Cluster')) {
    checks++;
    const sync = cluster.spec.postgresql?.synchronous;
    if (!(cluster.spec.instances >= 3) || !sync || !(sync.number >= 1) || sync.dataDurability !== 'required') {
      fail(`${where(cluster)}: needs at least 3 instances and synchronous replication with required durability`);
    }
    for (const ref of cluster.spec.bootstrap?.initdb?.postInitApplicationSQLRefs?.configMapRefs || []) {
      if (!of('ConfigMap').some((c) => c.metadata.name === ref.name && ref.key in (c.data || {}))) {
        fail(`${where(cluster)}: ConfigMap ${ref.name} with ${ref.key} is not rendered`);
      }
    }
  }
  for (const monitor of of('ServiceMonitor')) {
    for (const s of of('Service').filter((s) => (s.spec.ports || []).some((p) => p.name === 'metrics'))) {
      checks++;
      if (!matches(monitor.spec.selector.matchLabels, s.metadata.labels)) fail(`${where(monitor)}: does not select Service ${s.metadata.name}`);
    }
  }
  console.log(`${overlay}: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}`);
}
console.log(`${objects} objects validated, ${checks} deployment rules checked, ${failures} failures`);
process.exit(failures ? 1 : 0);

import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { routeIngressPath } from './ingress-routing';
import { parseKubeObjects } from './kube-objects';
import { schemaProblems } from './kube-schema';
import { isAtLeast, jetStreamBlock, natsChartProblems, natsVersion } from './nats-checks';
import { referenceProblems } from './reference-checks';
import { isPinnedImage } from './workload-checks';

const workload = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: example/api:1.0.0
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: api-config } }]
          env:
            - name: DATABASE_URL
              valueFrom: { secretKeyRef: { name: db-app, key: uri } }
`;

describe('isPinnedImage', () => {
  it.each([
    ['nats:2.12-alpine', true],
    ['registry:5000/team/app:1.2.3', true],
    [`app@sha256:${'a'.repeat(64)}`, true],
    ['app', false],
    ['app:latest', false],
    ['registry:5000/team/app', false],
  ])('%s -> %s', (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });
});

describe('schemaProblems', () => {
  it('accepts a valid object and reports schema violations, unknown kinds and bare custom resources', () => {
    const [deployment] = parseKubeObjects(workload);
    expect(schemaProblems(deployment!)).toEqual([]);
    const broken = parseKubeObjects(
      workload.replace('selector: { matchLabels: { app: api } }', 'replicas: two'),
    );
    expect(schemaProblems(broken[0]!).join()).toBe(
      'apps/v1 Deployment/api: data/spec must have required property selector, data/spec/replicas must be integer',
    );
    const unknown = parseKubeObjects('apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: x }\n');
    expect(schemaProblems(unknown[0]!).join()).toMatch(/unknown apiVersion\/kind/);
    const bare = parseKubeObjects(
      'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: db }\n',
    );
    expect(schemaProblems(bare[0]!)).toEqual([
      'postgresql.cnpg.io/v1 Cluster/db: custom resource without spec',
    ]);
  });

  it('refuses a document that is not a Kubernetes object', () => {
    expect(() => parseKubeObjects('just: yaml\n')).toThrow(/not a Kubernetes object/);
  });
});

describe('referenceProblems', () => {
  it('reports missing ConfigMaps and Secrets but accepts the Secret an operator generates', () => {
    const objects = parseKubeObjects(workload);
    expect(referenceProblems(objects)).toEqual([
      'Deployment/api references missing ConfigMap/api-config',
      'Deployment/api references missing Secret/db-app',
    ]);
    const withSources = `${workload}---
apiVersion: v1
kind: ConfigMap
metadata: { name: api-config }
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: db }
spec: { instances: 3 }
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  selector: { app: other }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
    expect(referenceProblems(parseKubeObjects(withSources))).toEqual(['Service/api selects no pods']);
  });
});

type PathType = 'Exact' | 'ImplementationSpecific' | 'Prefix';

describe('routeIngressPath', () => {
  const ingress = (annotations: Record<string, string>, paths: [string, PathType, string][]): IIngress => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'x', annotations },
    spec: {
      rules: [
        {
          http: {
            paths: paths.map(([path, pathType, name]) => ({
              path,
              pathType,
              backend: { service: { name } },
            })),
          },
        },
      ],
    },
  });

  it('matches Prefix paths by whole path elements, longest first', () => {
    const plain = ingress({}, [
      ['/', 'Prefix', 'root'],
      ['/v2', 'Prefix', 'v2'],
    ]);
    expect(['/v2/x', '/v2', '/v20', '/'].map((path) => routeIngressPath(plain, path))).toEqual([
      'v2',
      'v2',
      'root',
      'root',
    ]);
  });

  it('treats every path as an anchored case-insensitive regex under use-regex', () => {
    const regex = ingress({ 'nginx.ingress.kubernetes.io/use-regex': 'true' }, [
      ['/', 'Prefix', 'root'],
      ['/items/[^/]+/logs$', 'ImplementationSpecific', 'logs'],
    ]);
    expect(
      ['/items/1/logs', '/ITEMS/1/LOGS', '/items/1/logs/x', '/x/items/1/logs'].map((p) =>
        routeIngressPath(regex, p),
      ),
    ).toEqual(['logs', 'logs', 'root', 'root']);
  });
});

describe('NATS checks', () => {
  it('compares nats-server versions and refuses floating tags', () => {
    expect(natsVersion('2.12.3-alpine')).toEqual([2, 12, 3]);
    expect(natsVersion('alpine')).toBeUndefined();
    expect(
      [
        [2, 10, 23],
        [2, 11, 0],
        [2, 10, 22],
        [1, 99, 99],
      ].map((v) => isAtLeast(v, [2, 10, 23])),
    ).toEqual([true, true, false, false]);
  });

  it('reads the jetstream block of a server config, ignoring comments', () => {
    const conf =
      'port: 4222\njetstream {\n  # sync_interval: 2m\n  store_dir: "/data"\n  sync_interval: always\n}\n';
    expect(jetStreamBlock(conf)).toEqual(
      new Map([
        ['store_dir', '"/data"'],
        ['sync_interval', 'always'],
      ]),
    );
    expect(jetStreamBlock('port: 4222\n')).toBeUndefined();
  });

  it('reports chart values without fsync on every write or on an old server', () => {
    const values =
      'config:\n  cluster: { enabled: true, replicas: 3 }\n  jetstream:\n    enabled: true\n' +
      '    fileStore: { enabled: true, pvc: { enabled: true } }\ncontainer: { image: { tag: 2.10.22 } }\n';
    expect(natsChartProblems(values, 3)).toEqual([
      'config.jetstream.merge.sync_interval must be "always"',
      'container.image.tag 2.10.22 must pin nats-server 2.10.23 or newer',
    ]);
  });
});

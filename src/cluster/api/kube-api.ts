// The typed API calls cluster mode makes, over kube-http.ts. Method names and their one-object
// parameters are those of @kubernetes/client-node's generated APIs (CoreV1Api.readNamespacedSecret
// ({ name, namespace }), …), so code written against `Kube` reads the same; the object types are
// its generated API types, used at compile time only (CustomResourceDefinitions excepted: they
// stay plain JSON). Writes carry fieldManager=meshgate, so the API server's managedFields name
// meshgate (not a library's user agent).
import type {
  CoreV1Event,
  V1ConfigMap,
  V1ConfigMapList,
  V1Deployment,
  V1Namespace,
  V1NamespaceList,
  V1NodeList,
  V1PodList,
  V1Service,
  V1ServiceList,
  V1Lease,
  V1LeaseList,
  V1MutatingWebhookConfiguration,
  V1MutatingWebhookConfigurationList,
  V1Secret,
  V1SecretList,
  V1Status,
  V1ValidatingWebhookConfiguration,
  V1ValidatingWebhookConfigurationList,
} from '@kubernetes/client-node';
import type { Http, Query } from './kube-http.js';

const FIELD_MANAGER = 'meshgate';

interface ListParams {
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  readonly resourceVersion?: string;
  /** Paging: at most this many items, and the continue token of the page before. */
  readonly limit?: number;
  readonly _continue?: string;
}
type Named = { readonly name: string };
type InNamespace = { readonly namespace: string };
type WithBody<T> = { readonly body: T };
type DryRun = { readonly dryRun?: string };

const listQuery = (p: ListParams): Query => ({
  fieldSelector: p.fieldSelector,
  labelSelector: p.labelSelector,
  resourceVersion: p.resourceVersion,
  limit: p.limit,
  continue: p._continue,
});
const enc = encodeURIComponent;

interface KindOps<T, L, P> {
  read(p: P & Named): Promise<T>;
  list(p: P & ListParams): Promise<L>;
  create(p: P & WithBody<T> & DryRun): Promise<T>;
  replace(p: P & Named & WithBody<T>): Promise<T>;
  delete(p: P & Named): Promise<V1Status>;
}

/** read/list/create/replace/delete of one kind at `collection(params)`. */
function kind<T, L, P>(http: Http, collection: (p: P) => string): KindOps<T, L, P> {
  return {
    read: (p: P & Named): Promise<T> => http.call<T>('GET', `${collection(p)}/${enc(p.name)}`),
    list: (p: P & ListParams): Promise<L> => http.call<L>('GET', collection(p), { query: listQuery(p) }),
    create: (p: P & WithBody<T> & DryRun): Promise<T> => http.call<T>('POST', collection(p), { body: p.body, query: { fieldManager: FIELD_MANAGER, dryRun: p.dryRun } }),
    replace: (p: P & Named & WithBody<T>): Promise<T> => http.call<T>('PUT', `${collection(p)}/${enc(p.name)}`, { body: p.body, query: { fieldManager: FIELD_MANAGER } }),
    delete: (p: P & Named): Promise<V1Status> => http.call<V1Status>('DELETE', `${collection(p)}/${enc(p.name)}`),
  };
}

const ns =
  (prefix: string, plural: string): ((p: InNamespace) => string) =>
  (p) =>
    `${prefix}/namespaces/${enc(p.namespace)}/${plural}`;
const cluster =
  (prefix: string, plural: string): (() => string) =>
  () =>
    `${prefix}/${plural}`;

type Ops<T, L, P> = KindOps<T, L, P>;

export interface CoreApi {
  readNamespacedSecret: Ops<V1Secret, V1SecretList, InNamespace>['read'];
  listNamespacedSecret: Ops<V1Secret, V1SecretList, InNamespace>['list'];
  createNamespacedSecret: Ops<V1Secret, V1SecretList, InNamespace>['create'];
  replaceNamespacedSecret: Ops<V1Secret, V1SecretList, InNamespace>['replace'];
  readNamespacedConfigMap: Ops<V1ConfigMap, V1ConfigMapList, InNamespace>['read'];
  listNamespacedConfigMap: Ops<V1ConfigMap, V1ConfigMapList, InNamespace>['list'];
  createNamespacedEvent: Ops<CoreV1Event, unknown, InNamespace>['create'];
  /** A Namespace (the injector reads its labels and, on OpenShift, its sa.scc annotations). */
  readNamespace: Ops<V1Namespace, V1NamespaceList, object>['read'];
  /** Services of every namespace (the admission-time analysis reads them). */
  listServiceForAllNamespaces(p?: ListParams): Promise<V1ServiceList>;
  /** A JSON patch (RFC 6902) of an Event: an aggregated Event's count and lastTimestamp. */
  patchNamespacedEvent(p: InNamespace & Named & WithBody<readonly object[]>): Promise<CoreV1Event>;
  /** Nodes (their kubelet versions decide native sidecars in auto mode), a page at a time. */
  listNode(p: ListParams): Promise<V1NodeList>;
  /** What `meshgate check` reads: Namespaces, Pods, and the Services behind webhook entries. */
  listNamespace(p?: ListParams): Promise<V1NamespaceList>;
  listPodForAllNamespaces(p: ListParams): Promise<V1PodList>;
  listNamespacedPod(p: InNamespace & ListParams): Promise<V1PodList>;
  readNamespacedService(p: InNamespace & Named): Promise<V1Service>;
}

export function coreApi(http: Http): CoreApi {
  const secrets = kind<V1Secret, V1SecretList, InNamespace>(http, ns('/api/v1', 'secrets'));
  const configMaps = kind<V1ConfigMap, V1ConfigMapList, InNamespace>(http, ns('/api/v1', 'configmaps'));
  const events = kind<CoreV1Event, unknown, InNamespace>(http, ns('/api/v1', 'events'));
  const namespaces = kind<V1Namespace, V1NamespaceList, object>(http, cluster('/api/v1', 'namespaces'));
  return {
    readNamespacedSecret: secrets.read,
    listNamespacedSecret: secrets.list,
    createNamespacedSecret: secrets.create,
    replaceNamespacedSecret: secrets.replace,
    readNamespacedConfigMap: configMaps.read,
    listNamespacedConfigMap: configMaps.list,
    createNamespacedEvent: events.create,
    readNamespace: namespaces.read,
    listServiceForAllNamespaces: (p: ListParams = {}): Promise<V1ServiceList> => http.call<V1ServiceList>('GET', '/api/v1/services', { query: listQuery(p) }),
    patchNamespacedEvent: (p) =>
      http.call<CoreV1Event>('PATCH', `${ns('/api/v1', 'events')(p)}/${enc(p.name)}`, {
        body: p.body,
        contentType: 'application/json-patch+json',
        query: { fieldManager: FIELD_MANAGER },
      }),
    listNode: (p) => http.call<V1NodeList>('GET', '/api/v1/nodes', { query: listQuery(p) }),
    listNamespace: (p = {}) => http.call<V1NamespaceList>('GET', '/api/v1/namespaces', { query: listQuery(p) }),
    listPodForAllNamespaces: (p) => http.call<V1PodList>('GET', '/api/v1/pods', { query: listQuery(p) }),
    listNamespacedPod: (p) => http.call<V1PodList>('GET', ns('/api/v1', 'pods')(p), { query: listQuery(p) }),
    readNamespacedService: (p) => http.call<V1Service>('GET', `${ns('/api/v1', 'services')(p)}/${enc(p.name)}`),
  };
}

export interface CoordinationApi {
  readNamespacedLease: Ops<V1Lease, V1LeaseList, InNamespace>['read'];
  listNamespacedLease: Ops<V1Lease, V1LeaseList, InNamespace>['list'];
  createNamespacedLease: Ops<V1Lease, V1LeaseList, InNamespace>['create'];
  replaceNamespacedLease: Ops<V1Lease, V1LeaseList, InNamespace>['replace'];
  deleteNamespacedLease: Ops<V1Lease, V1LeaseList, InNamespace>['delete'];
}

export function coordinationApi(http: Http): CoordinationApi {
  const leases = kind<V1Lease, V1LeaseList, InNamespace>(http, ns('/apis/coordination.k8s.io/v1', 'leases'));
  return {
    readNamespacedLease: leases.read,
    listNamespacedLease: leases.list,
    createNamespacedLease: leases.create,
    replaceNamespacedLease: leases.replace,
    deleteNamespacedLease: leases.delete,
  };
}

type MutatingOps = Ops<V1MutatingWebhookConfiguration, V1MutatingWebhookConfigurationList, object>;
type ValidatingOps = Ops<V1ValidatingWebhookConfiguration, V1ValidatingWebhookConfigurationList, object>;

export interface AdmissionApi {
  readMutatingWebhookConfiguration: MutatingOps['read'];
  listMutatingWebhookConfiguration: MutatingOps['list'];
  createMutatingWebhookConfiguration: MutatingOps['create'];
  replaceMutatingWebhookConfiguration: MutatingOps['replace'];
  readValidatingWebhookConfiguration: ValidatingOps['read'];
  listValidatingWebhookConfiguration: ValidatingOps['list'];
  createValidatingWebhookConfiguration: ValidatingOps['create'];
  replaceValidatingWebhookConfiguration: ValidatingOps['replace'];
}

export function admissionApi(http: Http): AdmissionApi {
  const prefix = '/apis/admissionregistration.k8s.io/v1';
  const mutating = kind<V1MutatingWebhookConfiguration, V1MutatingWebhookConfigurationList, object>(http, cluster(prefix, 'mutatingwebhookconfigurations'));
  const validating = kind<V1ValidatingWebhookConfiguration, V1ValidatingWebhookConfigurationList, object>(http, cluster(prefix, 'validatingwebhookconfigurations'));
  return {
    readMutatingWebhookConfiguration: mutating.read,
    listMutatingWebhookConfiguration: mutating.list,
    createMutatingWebhookConfiguration: mutating.create,
    replaceMutatingWebhookConfiguration: mutating.replace,
    readValidatingWebhookConfiguration: validating.read,
    listValidatingWebhookConfiguration: validating.list,
    createValidatingWebhookConfiguration: validating.create,
    replaceValidatingWebhookConfiguration: validating.replace,
  };
}

export interface AppsApi {
  readNamespacedDeployment: Ops<V1Deployment, unknown, InNamespace>['read'];
}

export function appsApi(http: Http): AppsApi {
  const deployments = kind<V1Deployment, unknown, InNamespace>(http, ns('/apis/apps/v1', 'deployments'));
  return { readNamespacedDeployment: deployments.read };
}

/** A CustomResourceDefinition as the API server sends it: plain JSON, x-kubernetes-* keys as they are. */
export interface RawCrd {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly spec?: { readonly group?: string };
  readonly [key: string]: unknown;
}

export interface RawCrdList {
  readonly items?: readonly RawCrd[];
  readonly metadata?: { readonly resourceVersion?: string };
}

export interface ApiextensionsApi {
  listCustomResourceDefinition(p?: ListParams): Promise<RawCrdList>;
  /** Watch events of every CustomResourceDefinition (as WatchApi.watch, on their collection). */
  watchCustomResourceDefinition(params: WatchParams, onEvent: (type: string, obj: RawCrd) => void, done: (err: unknown) => void): Promise<AbortController>;
}

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/**
 * CustomResourceDefinitions (list and watch only). Not client-node's typed objects: those
 * rename x-kubernetes-* keys, and the validator reads the schemas exactly as served.
 */
export function apiextensionsApi(http: Http): ApiextensionsApi {
  const watch = watchApi(http);
  return {
    listCustomResourceDefinition: (p: ListParams = {}): Promise<RawCrdList> => http.call<RawCrdList>('GET', CRDS, { query: listQuery(p) }),
    watchCustomResourceDefinition: (params, onEvent, done) => watch.watch<RawCrd>(CRDS, params, onEvent, done),
  };
}

interface CustomObjectParams {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

type CustomPath = CustomObjectParams & Partial<InNamespace>;

export interface CustomApi {
  createNamespacedCustomObject(p: CustomObjectParams & InNamespace & WithBody<object> & DryRun): Promise<object>;
  getNamespacedCustomObject(p: CustomObjectParams & InNamespace & Named): Promise<object>;
  listNamespacedCustomObject(p: CustomObjectParams & InNamespace & ListParams): Promise<object>;
  getClusterCustomObject(p: CustomObjectParams & Named): Promise<object>;
  listClusterCustomObject(p: CustomObjectParams & ListParams): Promise<object>;
}

/** Objects of any API group (custom resources), as plain JSON. */
export function customApi(http: Http): CustomApi {
  const path = (p: CustomPath): string => `/apis/${enc(p.group)}/${enc(p.version)}${p.namespace ? `/namespaces/${enc(p.namespace)}` : ''}/${enc(p.plural)}`;
  return {
    createNamespacedCustomObject: (p: CustomObjectParams & InNamespace & WithBody<object> & DryRun): Promise<object> =>
      http.call<object>('POST', path(p), { body: p.body, query: { fieldManager: FIELD_MANAGER, dryRun: p.dryRun } }),
    getNamespacedCustomObject: (p: CustomObjectParams & InNamespace & Named): Promise<object> => http.call<object>('GET', `${path(p)}/${enc(p.name)}`),
    listNamespacedCustomObject: (p: CustomObjectParams & InNamespace & ListParams): Promise<object> => http.call<object>('GET', path(p), { query: listQuery(p) }),
    getClusterCustomObject: (p: CustomObjectParams & Named): Promise<object> => http.call<object>('GET', `${path(p)}/${enc(p.name)}`),
    listClusterCustomObject: (p: CustomObjectParams & ListParams): Promise<object> => http.call<object>('GET', path(p), { query: listQuery(p) }),
  };
}

export type WatchParams = Readonly<Record<string, string | number | boolean | undefined>>;

export interface WatchApi {
  watch<T>(path: string, params: WatchParams, onEvent: (type: string, obj: T) => void, done: (err: unknown) => void): Promise<AbortController>;
}

/** client-node's Watch.watch: events of `path` until the stream ends; resolves with its controller. */
export function watchApi(http: Http): WatchApi {
  return {
    watch: <T>(path: string, params: WatchParams, onEvent: (type: string, obj: T) => void, done: (err: unknown) => void): Promise<AbortController> =>
      http.stream(
        path,
        { ...params, watch: true },
        (line) => {
          const event = line as { type?: unknown; object?: unknown };
          if (typeof event.type === 'string') onEvent(event.type, event.object as T);
        },
        done,
      ),
  };
}

// The webhook path: Istio's injection webhook (inject.NewWebhook, as istiod builds it) serving
// AdmissionReviews in-process, for what kube-inject does not do (injection policy and
// selectors, defaultTemplates and aliases, injectedAnnotations, URL path env, OpenShift's
// namespace lookup). Webhooks are cached per configuration, so a batch builds few.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	jsonpatch "github.com/evanphx/json-patch/v5"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/config/constants"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/kube/multicluster"
)

// staticWatcher hands NewWebhook a fixed injector configuration.
type staticWatcher struct {
	cfg    *inject.Config
	values string
}

func (w staticWatcher) SetHandler(func(*inject.Config, string) error) {}
func (w staticWatcher) Run(<-chan struct{})                           {}
func (w staticWatcher) Get() (*inject.Config, string, error)          { return w.cfg, w.values, nil }

type liveWebhook struct {
	mux  *http.ServeMux
	stop chan struct{}
}

// newIstioWebhook builds Istio's webhook with a fake cluster holding the given Namespace.
func newIstioWebhook(s *Settings, revision string, ns *corev1.Namespace, mux *http.ServeMux) (*liveWebhook, error) {
	store := model.NewFakeStore()
	env := &model.Environment{Watcher: meshwatcher.NewTestWatcher(s.Mesh), ConfigStore: store}
	env.SetPushContext(&model.PushContext{ProxyConfigs: model.GetProxyConfigs(store, s.Mesh)})
	multi := multicluster.NewFakeController()
	_, err := inject.NewWebhook(inject.WebhookParameters{
		Watcher:      staticWatcher{cfg: s.Config, values: s.ValuesJSON},
		Env:          env,
		Mux:          mux,
		Revision:     revision,
		MultiCluster: multi,
	})
	if err != nil {
		return nil, err
	}
	var objects []runtime.Object
	if ns != nil {
		objects = append(objects, ns)
	}
	client := kube.NewFakeClient(objects...)
	stop := make(chan struct{})
	multi.Add(constants.DefaultClusterName, client, stop)
	client.RunAndWait(stop)
	return &liveWebhook{mux: mux, stop: stop}, nil
}

var (
	webhookMu    sync.Mutex
	webhookCache = map[string]*liveWebhook{}
	webhookOrder []string
)

const webhookCacheSize = 16

func cachedWebhook(req *Request, s *Settings) (*liveWebhook, error) {
	ns, err := namespaceObject(req.NamespaceObject)
	if err != nil {
		return nil, err
	}
	native := "env"
	if req.NativeSidecars != nil {
		native = fmt.Sprint(*req.NativeSidecars)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{s.ConfigYAML, s.ValuesJSON, s.MeshYAML, req.Revision, native, string(req.NamespaceObject)}, "\x00")))
	key := hex.EncodeToString(sum[:])
	webhookMu.Lock()
	defer webhookMu.Unlock()
	if wh, ok := webhookCache[key]; ok {
		return wh, nil
	}
	wh, err := newIstioWebhook(s, req.Revision, ns, http.NewServeMux())
	if err != nil {
		return nil, err
	}
	if len(webhookOrder) >= webhookCacheSize {
		oldest := webhookOrder[0]
		close(webhookCache[oldest].stop)
		delete(webhookCache, oldest)
		webhookOrder = webhookOrder[1:]
	}
	webhookCache[key], webhookOrder = wh, append(webhookOrder, key)
	return wh, nil
}

func namespaceObject(raw json.RawMessage) (*corev1.Namespace, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	ns := &corev1.Namespace{}
	if err := json.Unmarshal(raw, ns); err != nil {
		return nil, fmt.Errorf("namespaceObject: %v", err)
	}
	return ns, nil
}

func opWebhook(req *Request) *Response {
	res := &Response{ID: req.ID, Op: "webhook"}
	s, err := buildSettings(req)
	if err != nil {
		return fail(res, "error", err)
	}
	review, err := admissionReview(req, "Pod", "pods")
	if err != nil {
		return fail(res, "error", err)
	}
	withNativeSidecars(req.NativeSidecars)
	wh, err := cachedWebhook(req, s)
	if err != nil {
		return fail(res, "error", fmt.Errorf("building Istio's webhook: %v", err))
	}
	path := req.Path
	if path == "" {
		path = "/inject"
	}
	res.RequestObject, _ = requestObject(review)
	return injectResponse(res, review, serveReview(wh.mux, path, review))
}

// serveReview posts an AdmissionReview to a webhook mux and returns the HTTP response.
func serveReview(mux *http.ServeMux, path string, review []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	httpReq := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(review))
	httpReq.Header.Set("Content-Type", "application/json")
	mux.ServeHTTP(rec, httpReq)
	return rec
}

// injectResponse reads the webhook's answer and applies its patch to request.object.
func injectResponse(res *Response, review []byte, rec *httptest.ResponseRecorder) *Response {
	if rec.Code != http.StatusOK {
		return fail(res, "error", fmt.Errorf("webhook answered HTTP %d: %s", rec.Code, strings.TrimSpace(rec.Body.String())))
	}
	var out struct {
		Response struct {
			Allowed  bool     `json:"allowed"`
			Patch    []byte   `json:"patch"`
			Warnings []string `json:"warnings"`
			Status   *struct {
				Message string `json:"message"`
			} `json:"status"`
		} `json:"response"`
	}
	body := rec.Body.Bytes()
	if err := json.Unmarshal(body, &out); err != nil {
		return fail(res, "error", fmt.Errorf("webhook answer: %v", err))
	}
	var whole map[string]json.RawMessage
	_ = json.Unmarshal(body, &whole)
	res.AdmissionResponse, res.Warnings = whole["response"], out.Response.Warnings
	if !out.Response.Allowed {
		if out.Response.Status != nil {
			res.Message = out.Response.Status.Message
		}
		res.Outcome = "denied"
		return res
	}
	pod, err := requestObject(review)
	if err != nil {
		return fail(res, "error", err)
	}
	if len(out.Response.Patch) > 0 {
		patch, err := jsonpatch.DecodePatch(out.Response.Patch)
		if err != nil {
			return fail(res, "error", fmt.Errorf("webhook patch: %v", err))
		}
		if pod, err = patch.Apply(pod); err != nil {
			return fail(res, "error", fmt.Errorf("applying the webhook's patch: %v", err))
		}
	}
	res.Outcome, res.Pod = "ok", pod
	return res
}

func requestObject(review []byte) ([]byte, error) {
	var r struct {
		Request struct {
			Object json.RawMessage `json:"object"`
		} `json:"request"`
	}
	if err := json.Unmarshal(review, &r); err != nil {
		return nil, err
	}
	return r.Request.Object, nil
}

// admissionReview is req.Review, or an admission.k8s.io/v1 CREATE review of the single object
// in req.Input.
func admissionReview(req *Request, defaultKind, resource string) ([]byte, error) {
	if len(req.Review) > 0 {
		return req.Review, nil
	}
	docs, err := yamlDocumentsToJSON(req.Input)
	if err != nil {
		return nil, fmt.Errorf("input: %v", err)
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("input: want exactly one object, got %d", len(docs))
	}
	object := docs[0]
	if defaultKind == "Pod" {
		// request.object as the API server sends it: the Pod as Go's types encode it.
		if object, err = goEncodedPod(object); err != nil {
			return nil, err
		}
	}
	return reviewFor(object, req.Namespace, req.DryRun, defaultKind, resource)
}

func goEncodedPod(raw json.RawMessage) (json.RawMessage, error) {
	pod := &corev1.Pod{}
	if err := json.Unmarshal(raw, pod); err != nil {
		return nil, fmt.Errorf("input is not a Pod: %v", err)
	}
	return json.Marshal(pod)
}

func reviewFor(object json.RawMessage, namespace string, dryRun bool, defaultKind, resource string) ([]byte, error) {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(object, &meta); err != nil {
		return nil, fmt.Errorf("input: %v", err)
	}
	group, version := "", meta.APIVersion
	if i := strings.Index(meta.APIVersion, "/"); i >= 0 {
		group, version = meta.APIVersion[:i], meta.APIVersion[i+1:]
	}
	kind := meta.Kind
	if kind == "" {
		kind, version = defaultKind, "v1"
	}
	if resource == "" {
		resource = strings.ToLower(kind) + "s"
	}
	if namespace == "" {
		namespace = meta.Metadata.Namespace
	}
	review := map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"request": map[string]any{
			"uid":       "00000000-0000-0000-0000-000000000001",
			"kind":      map[string]string{"group": group, "version": version, "kind": kind},
			"resource":  map[string]string{"group": group, "version": version, "resource": resource},
			"name":      meta.Metadata.Name,
			"namespace": namespace,
			"operation": "CREATE",
			"userInfo":  map[string]any{"username": "istio-harness"},
			"object":    object,
			"dryRun":    dryRun,
		},
	}
	return json.Marshal(review)
}

// readObject parses one YAML or JSON object (for flags that name a file).
func readObject(text string) (json.RawMessage, error) {
	j, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		return nil, err
	}
	return j, nil
}

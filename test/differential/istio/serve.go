// `serve`: Istio's injection webhook (and istiod's validation webhook) over HTTPS on a loopback
// address, set up like istiod's own HTTPS listener, for the benchmark's Istio peer.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"
)

const serveHelp = `Usage: istio-harness serve [--listen 127.0.0.1:PORT] [--tls-cert F --tls-key F] [--ca-out F]
                           [--values F] [--mesh F] [--config F] [--native-sidecars=BOOL]
                           [--revision REV] [--namespace-object F] [--log-level LEVEL]

Serves Istio's injection webhook on /inject and /inject/..., istiod's validation webhook on
/validate, and /ready, over HTTPS on a loopback address (port 0 picks a free one). Without
--tls-cert/--tls-key it makes a self-signed certificate for 127.0.0.1 and writes it to --ca-out.
Prints "listening on https://ADDRESS" on stdout once it accepts connections; stops on SIGTERM
or SIGINT. The injection flags mean what they mean for 'istio-harness inject'.
`

func cmdServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveHelp) }
	listen := fs.String("listen", "127.0.0.1:0", "loopback address")
	certFile := fs.String("tls-cert", "", "certificate file")
	keyFile := fs.String("tls-key", "", "key file")
	caOut := fs.String("ca-out", "", "where to write the self-signed certificate")
	values := fs.String("values", "", "values file")
	meshFile := fs.String("mesh", "", "mesh config file")
	configFile := fs.String("config", "", "injector config file")
	native := fs.String("native-sidecars", "", "true or false")
	nsFile := fs.String("namespace-object", "", "Namespace object file")
	level := fs.String("log-level", "info", "Istio log level")
	req := &Request{Op: "webhook"}
	fs.StringVar(&req.Revision, "revision", "", "revision")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, err error) int { fmt.Fprintln(stderr, "istio-harness serve:", err); return code }
	if err := checkLoopback(*listen); err != nil {
		return fail(2, err)
	}
	if err := fillFromFiles(req, "/dev/null", stdin, map[*string]string{&req.Values: *values, &req.Mesh: *meshFile, &req.Config: *configFile}); err != nil {
		return fail(2, err)
	}
	if err := fillFlags(req, *native, *nsFile, false); err != nil {
		return fail(2, err)
	}
	if err := quietIstioLogs(*level); err != nil {
		return fail(2, err)
	}
	cert, err := serverCertificate(*certFile, *keyFile, *caOut)
	if err != nil {
		return fail(2, err)
	}
	mux, err := serveMux(req)
	if err != nil {
		return fail(1, err)
	}
	return listenAndServe(*listen, cert, mux, stdout, stderr)
}

func serveMux(req *Request) (*http.ServeMux, error) {
	s, err := buildSettings(req)
	if err != nil {
		return nil, err
	}
	ns, err := namespaceObject(req.NamespaceObject)
	if err != nil {
		return nil, err
	}
	withNativeSidecars(req.NativeSidecars)
	mux := http.NewServeMux()
	if _, err := newIstioWebhook(s, req.Revision, ns, mux); err != nil {
		return nil, err
	}
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: mux}); err != nil {
		return nil, err
	}
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return mux, nil
}

func listenAndServe(addr string, cert tls.Certificate, mux *http.ServeMux, stdout, stderr io.Writer) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, "istio-harness serve:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       90 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	fmt.Fprintf(stdout, "listening on https://%s\n", ln.Addr())
	if err := srv.ServeTLS(ln, "", ""); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(stderr, "istio-harness serve:", err)
		return 1
	}
	return 0
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %q: only loopback addresses (127.0.0.0/8, ::1) are served", addr)
	}
	return nil
}

func serverCertificate(certFile, keyFile, caOut string) (tls.Certificate, error) {
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return tls.Certificate{}, fmt.Errorf("--tls-cert and --tls-key go together")
		}
		return tls.LoadX509KeyPair(certFile, keyFile)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "istio-harness"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if caOut != "" {
		if err := os.WriteFile(caOut, certPEM, 0o644); err != nil {
			return tls.Certificate{}, err
		}
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

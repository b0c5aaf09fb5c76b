package awsapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// cborDecode reads inputs: indefinite lengths allowed (the Go SDK's
// encoder may use them), duplicate map keys rejected, nesting bounded.
var cborDecode, _ = cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, MaxNestedLevels: 64,
	DefaultMapType: nil}.DecMode()

// cborEncode writes outputs; timestamps encode themselves (Time).
var cborEncode, _ = cbor.EncOptions{}.EncMode()

// serveCBOR answers an rpcv2Cbor request: POST
// /service/{Service}/operation/{Operation}.
func (s *Server) serveCBOR(w http.ResponseWriter, r *http.Request) {
	svcName, opName, ok := cborPath(r.URL.Path)
	svc := s.byCBOR[svcName]
	if !ok || svc == nil {
		writeCBORError(w, nil, Errorf(CodeUnknownOperation, "no operation at %s", r.URL.Path))
		s.observe(signingName(r), "", errors.New("unknown path"))
		return
	}
	out, err := s.runCBOR(r, svc, opName)
	s.observe(svc.SigningName, opName, err)
	if err != nil {
		writeCBORError(w, svc, awsError(err))
		return
	}
	b, merr := cborEncode.Marshal(out)
	if merr != nil {
		writeCBORError(w, svc, internal(merr))
		return
	}
	cborHeaders(w)
	_, _ = w.Write(b)
}

func (s *Server) runCBOR(r *http.Request, svc *Service, opName string) (any, error) {
	if r.Method != http.MethodPost {
		return nil, Errorf(CodeSerialization, "rpcv2Cbor takes POST, not %s", r.Method)
	}
	op, ok := svc.Operations[opName]
	if !ok {
		return nil, Errorf(CodeUnknownOperation, "%s has no operation %q", svc.SigningName, opName)
	}
	body, berr := readBody(r)
	if berr != nil {
		return nil, berr
	}
	in := op.newInput()
	if len(body) > 0 {
		if err := cborDecode.Unmarshal(body, in); err != nil {
			return nil, Errorf(CodeSerialization, "could not decode the CBOR body: %v", err)
		}
	}
	return call(r.Context(), op, in)
}

// cborPath splits /service/{Service}/operation/{Operation}.
func cborPath(p string) (svc, op string, ok bool) {
	rest, found := strings.CutPrefix(p, "/service/")
	if !found {
		return "", "", false
	}
	svc, op, found = strings.Cut(rest, "/operation/")
	return svc, op, found && svc != "" && op != "" && !strings.Contains(op, "/")
}

func cborHeaders(w http.ResponseWriter) {
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("X-Amzn-RequestId", requestID())
}

// writeCBORError writes e as rpcv2Cbor's error map; the
// x-amzn-query-error header carries the query code svc maps it to
// (CloudWatch's DashboardNotFoundError is ResourceNotFound), which
// query-compatible clients report as the error's code.
func writeCBORError(w http.ResponseWriter, svc *Service, e *Error) {
	cborHeaders(w)
	q := e.Code + ";" + e.fault()
	if svc != nil {
		if m, ok := svc.QueryErrors[e.Code]; ok {
			q = m
		}
	}
	w.Header().Set("X-Amzn-Query-Error", q)
	w.WriteHeader(e.status())
	// CBOR text must be UTF-8, and a message may quote a client's bytes.
	b, _ := cborEncode.Marshal(map[string]string{"__type": strings.ToValidUTF8(e.Code, "\uFFFD"),
		"message": strings.ToValidUTF8(e.Message, "\uFFFD")})
	_, _ = w.Write(b)
}

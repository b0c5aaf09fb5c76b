package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// serveJSON answers an awsJson1_0 or awsJson1_1 request.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request) {
	prefix, opName, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	svc := s.byTarget[prefix]
	if svc == nil {
		writeJSONError(w, nil, "1.1", Errorf(CodeUnknownOperation, "no service has the target prefix %q", prefix))
		s.observe(signingName(r), "", errors.New("unknown target"))
		return
	}
	out, err := s.runJSON(r, svc, opName)
	s.observe(svc.SigningName, opName, err)
	if err != nil {
		writeJSONError(w, svc, svc.JSONVersion, awsError(err))
		return
	}
	b, merr := json.Marshal(out)
	if merr != nil {
		writeJSONError(w, svc, svc.JSONVersion, internal(merr))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-"+svc.JSONVersion)
	w.Header().Set("X-Amzn-RequestId", requestID())
	_, _ = w.Write(b)
}

func (s *Server) runJSON(r *http.Request, svc *Service, opName string) (any, error) {
	if r.Method != http.MethodPost {
		return nil, Errorf(CodeSerialization, "the JSON protocol takes POST, not %s", r.Method)
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
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeJSON(body, in); err != nil {
			return nil, err
		}
	}
	return call(r.Context(), op, in)
}

// decodeJSON decodes an input object; a body that is not one, or a
// member of the wrong type, is a SerializationException naming where.
// Members the server does not know are ignored, as AWS ignores members
// of newer client models.
func decodeJSON(body []byte, in any) error {
	err := json.Unmarshal(body, in)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return Errorf(CodeSerialization, "member %s: cannot take a JSON %s (at byte %d)", typeErr.Field, typeErr.Value, typeErr.Offset)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return Errorf(CodeSerialization, "the body is not JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	}
	return Errorf(CodeSerialization, "could not decode the body: %v", err)
}

// writeJSONError writes e in the JSON protocols' shape; svc, when
// known, may map the code for query-compatible clients.
func writeJSONError(w http.ResponseWriter, svc *Service, version string, e *Error) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	if svc != nil {
		if q, ok := svc.QueryErrors[e.Code]; ok {
			w.Header().Set("X-Amzn-Query-Error", q)
		}
	}
	w.WriteHeader(e.status())
	b, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	_, _ = w.Write(b)
}

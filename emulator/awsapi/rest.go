package awsapi

import "net/http"

// serveREST answers a restJson1 request.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	writeJSONError(w, nil, "1.1", Errorf(CodeUnknownOperation, "no operation at %s %s", r.Method, r.URL.Path))
}

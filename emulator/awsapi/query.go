package awsapi

import "net/http"

// serveQuery answers an awsQuery request.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	writeQueryError(w, nil, Errorf("InvalidAction", "the query protocol is not served yet"))
}

func writeQueryError(w http.ResponseWriter, svc *Service, e *Error) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status())
	_, _ = w.Write([]byte("<ErrorResponse><Error><Type>" + e.fault() + "</Type><Code>" + e.Code + "</Code><Message></Message></Error></ErrorResponse>"))
}

package awsapi

import (
	"net/http"
	"net/url"
	"strings"
)

// The awsQuery protocol (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html):
// a POST of an application/x-www-form-urlencoded body holding Action,
// Version and the input's members, answered in XML. The request does not
// name its service, so the server takes it from the SigV4 credential
// scope.

// Query protocol error codes, as AWS's common errors list them
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html).
const (
	// CodeInvalidParameterValue is a member whose value cannot be read.
	CodeInvalidParameterValue = "InvalidParameterValue"
	codeInvalidAction         = "InvalidAction"
	codeMissingAction         = "MissingAction"
	codeMalformedQuery        = "MalformedQueryString"
	codeValidationError       = "ValidationError"
	codeMissingAuth           = "MissingAuthenticationToken"
)

// serveQuery answers an awsQuery request.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	name := signingName(r)
	svc := s.bySigning[name]
	if svc == nil || svc.Protocols&Query == 0 {
		e := s.unknownQueryService(name)
		writeQueryError(w, nil, e)
		s.observe(name, "", e)
		return
	}
	action, out, err := s.runQuery(r, svc)
	s.observe(svc.SigningName, action, err)
	if err != nil {
		writeQueryError(w, svc, awsError(err))
		return
	}
	b, merr := encodeQueryResponse(svc, action, out)
	if merr != nil {
		writeQueryError(w, svc, internal(merr))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID())
	_, _ = w.Write(b)
}

// unknownQueryService is the error for a query request whose signature
// names no query service here: a clear message, since an unsigned
// request (a client with no credentials) is the likely cause.
func (s *Server) unknownQueryService(name string) *Error {
	if name == "" {
		return &Error{Code: codeMissingAuth, Status: http.StatusForbidden,
			Message: "a query protocol request names its service only in its SigV4 signature, and this one is not signed (give the client credentials; any are accepted)"}
	}
	var served []string
	for n, svc := range s.bySigning {
		if svc.Protocols&Query != 0 {
			served = append(served, n)
		}
	}
	return Errorf(codeInvalidAction, "no service here takes query protocol requests signed for %q (served: %s)", name, strings.Join(sortedStrings(served), ", "))
}

// runQuery decodes the form, runs its Action and returns the action's
// name with its output.
func (s *Server) runQuery(r *http.Request, svc *Service) (string, any, error) {
	body, berr := readBody(r)
	if berr != nil {
		return "", nil, berr
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", nil, Errorf(codeMalformedQuery, "the body is not a form: %v", err)
	}
	action := form.Get("Action")
	if action == "" {
		return "", nil, Errorf(codeMissingAction, "the request has no Action")
	}
	op, ok := svc.Operations[action]
	if !ok {
		return action, nil, Errorf(codeInvalidAction, "%s has no action %q", svc.SigningName, truncate(action))
	}
	root, ferr := parseForm(form)
	if ferr != nil {
		return action, nil, ferr
	}
	in := op.newInput()
	if err := decodeForm(root, in); err != nil {
		return action, nil, err
	}
	out, err := call(r.Context(), op, in)
	return action, out, err
}
